using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Llm.Routing;

namespace Wilson.Llm.Tests.Routing;

public sealed class ModelRouterTests
{
    private static readonly ModelFacts Up = new(true, true, Warm: false, 0, false);
    private static readonly ModelFacts Warm = Up with { Warm = true };
    private static readonly ModelFacts Down = new(false, null, false, 0, false);
    private static readonly ModelFacts NotPulled = Up with { Available = false };
    private static readonly ModelFacts Resting = Up with { CircuitOpen = true };

    private static readonly ModelRouter Router = new(ModelCatalog.From(
        ProjectConfigFile.Parse("wilson.yaml", """
            project:
              name: shop
            models:
              endpoints:
                local:
                  protocol: ollama
                gpu:
                  protocol: ollama
                  url: http://10.0.0.5:11434
                claude:
                  protocol: anthropic
                  api_key_env: ANTHROPIC_API_KEY
              models:
                coder:7b:
                  endpoint: local
                  max_concurrency: 2
                coder:14b:
                  endpoint: gpu
                  max_concurrency: 2
                plain:3b:
                  endpoint: local
                  supports_tools: false
                sonnet:
                  endpoint: claude
              purposes:
                code: [coder:7b, coder:14b, sonnet]
                docs: [plain:3b, coder:7b]
                chat: plain:3b
            """).Models,
        _ => null));

    public static TheoryData<string, ComplexityTier, (ModelFacts? A, ModelFacts? B, ModelFacts? C), string?, string> Table => new()
    {
        // purpose, tier, facts of (coder:7b, coder:14b, sonnet), chosen, why
        { "code", ComplexityTier.Standard, (Up, Up, Up), "coder:7b", "standard: local first, in the listed order" },
        { "code", ComplexityTier.Complex, (Up, Up, Up), "sonnet", "complex: the cloud model first" },
        { "code", ComplexityTier.Complex, (Up, Up, Down), "coder:7b", "complex with the cloud down: the best local one" },
        { "code", ComplexityTier.Standard, (Down, Up, Up), "coder:14b", "a down endpoint is skipped" },
        { "code", ComplexityTier.Standard, (NotPulled, Up, Up), "coder:14b", "a model not pulled is skipped" },
        { "code", ComplexityTier.Standard, (Resting, Up, Up), "coder:14b", "an endpoint resting after failures is skipped" },
        { "code", ComplexityTier.Standard, (Up, Warm, Up), "coder:14b", "warm over cold" },
        { "code", ComplexityTier.Standard, (Warm with { ActiveLeases = 2 }, Warm, Up), "coder:14b", "least loaded among the warm" },
        { "code", ComplexityTier.Standard, (null, Up, Up), "coder:14b", "checked healthy over not yet checked" },
        { "code", ComplexityTier.Standard, (Down, Down, Up), "sonnet", "no local model up: the cloud one" },
        { "code", ComplexityTier.Standard, (Down, Down, Down), null, "nothing up: no model, with the reasons" },
        { "code", ComplexityTier.Trivial, (Up, Up, Up), null, "trivial: no model at all" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Chooses_by_tier_health_warmth_and_load(string purpose, ComplexityTier tier, (ModelFacts? A, ModelFacts? B, ModelFacts? C) facts, string? expected, string because)
    {
        var known = new Dictionary<string, ModelFacts>();
        foreach (var (name, fact) in new[] { ("coder:7b", facts.A), ("coder:14b", facts.B), ("sonnet", facts.C) })
        {
            if (fact is not null)
            {
                known[name] = fact;
            }
        }

        var decision = Router.Choose(new RouteRequest(purpose, tier), known);

        Assert.True(expected == decision.Model?.Name, $"{because}: chose {decision.Model?.Name ?? "nothing"} ({decision.Reason})");
    }

    [Fact]
    public void The_reason_names_purpose_model_endpoint_warmth_and_tier()
    {
        var decision = Router.Choose(new RouteRequest("code", ComplexityTier.Standard), new Dictionary<string, ModelFacts> { ["coder:7b"] = Warm });

        Assert.Equal("code -> coder:7b on local: warm, tier standard", decision.Reason);
    }

    [Theory]
    [InlineData(ComplexityTier.Standard, false, "code -> local-model on llamacpp: cold, tier standard")]
    [InlineData(ComplexityTier.Complex, true, "code -> local-model on llamacpp: warm, tier complex")]
    public void A_server_on_this_machine_is_routed_as_local_not_cloud(ComplexityTier tier, bool warm, string reason)
    {
        var catalog = ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", "project:\n  name: shop\n" + MachineProfiles.Text("llama-cpp")).Models, _ => null);

        var decision = new ModelRouter(catalog).Choose(new RouteRequest("code", tier), new Dictionary<string, ModelFacts> { ["local-model"] = Up with { Warm = warm } });

        Assert.False(decision.Model!.Cloud);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void Trivial_work_is_mechanical()
    {
        var decision = Router.Choose(new RouteRequest("code", ComplexityTier.Trivial), new Dictionary<string, ModelFacts>());

        Assert.True(decision.Mechanical);
        Assert.False(decision.NoModel);
    }

    [Fact]
    public void A_model_that_failed_is_passed_over_and_the_next_says_so()
    {
        var decision = Router.Choose(new RouteRequest("code", ComplexityTier.Standard, new HashSet<string> { "coder:7b" }), new Dictionary<string, ModelFacts>());

        Assert.Equal("coder:14b", decision.Model?.Name);
        Assert.Contains("others unavailable", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_a_person_chose_is_the_only_one_considered()
    {
        var facts = new Dictionary<string, ModelFacts> { ["coder:7b"] = Warm, ["coder:14b"] = Up, ["sonnet"] = Down };

        var chosen = Router.Choose(new RouteRequest("code", ComplexityTier.Standard, Pinned: "coder:14b"), facts);
        var down = Router.Choose(new RouteRequest("code", ComplexityTier.Standard, Pinned: "sonnet"), facts);
        var unknown = Router.Choose(new RouteRequest("code", ComplexityTier.Standard, Pinned: "gpt-9"), facts);

        Assert.Equal("coder:14b", chosen.Model?.Name);
        Assert.True(down.NoModel);
        Assert.Equal("no model can take code now (sonnet: endpoint down)", down.Reason);
        Assert.StartsWith("the model chosen for this work, gpt-9, is not in wilson.yaml", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_tool_support_wins_between_equals()
    {
        var decision = Router.Choose(new RouteRequest("docs", ComplexityTier.Standard), new Dictionary<string, ModelFacts>());

        Assert.Equal("coder:7b", decision.Model?.Name);
    }

    [Fact]
    public void When_nothing_can_take_the_call_the_reason_says_why_for_each_model()
    {
        var decision = Router.Choose(new RouteRequest("code", ComplexityTier.Standard),
            new Dictionary<string, ModelFacts> { ["coder:7b"] = Down, ["coder:14b"] = NotPulled, ["sonnet"] = Resting });

        Assert.True(decision.NoModel);
        Assert.Equal("no model can take code now (coder:7b: endpoint down; coder:14b: not available on its endpoint; sonnet: endpoint resting after failures)", decision.Reason);
    }

    [Fact]
    public void An_unconfigured_purpose_has_no_model()
    {
        var decision = Router.Choose(new RouteRequest("review", ComplexityTier.Standard), new Dictionary<string, ModelFacts>());

        Assert.True(decision.NoModel);
        Assert.Contains("models.purposes", decision.Reason, StringComparison.Ordinal);
    }
}
