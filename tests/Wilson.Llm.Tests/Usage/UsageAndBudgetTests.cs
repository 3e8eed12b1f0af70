using Microsoft.Extensions.AI;
using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Usage;
using Wilson.Llm.Usage;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Usage;

/// <summary>Usage recorded in a real store, and budgets that stop a call before it is sent.</summary>
public sealed class UsageAndBudgetTests : IAsyncLifetime
{
    private const string KeyVariable = "FAKE_PAID_KEY";

    private readonly TempDirectory _directory = new("wilson-usage");
    private readonly RecordingEventSink _events = new();
    private FakeModelServer _server = null!;
    private IWorkStore _store = null!;
    private Project _project = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange([new FakeModel("coder:7b", 1L << 30), new FakeModel("paid-model", 1L << 30)]);
        script.Turns.Add(new ScriptedTurn { Text = "done", InputTokens = 1_000, OutputTokens = 200 });
        _server = await FakeModelServer.StartAsync(script);
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Path), TimeProvider.System, CancellationToken.None);
        _project = await TestStores.RegisterAsync(_store, "shop", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private ModelServices Services(string budgets = "") => new(ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", $"""
        project:
          name: shop
        models:
          endpoints:
            local:
              protocol: ollama
              url: {_server.BaseUri}
            paid:
              protocol: openai
              url: {_server.BaseUri}v1
              api_key_env: {KeyVariable}
              # The fake server is on this machine; it stands for a cloud one here.
              cloud: true
          memory_budget: 8GB
          models:
            coder:7b:
              endpoint: local
              size: 1GB
            paid-model:
              endpoint: paid
              cost_in: 3.00
              cost_out: 15.00
          purposes:
            code: [coder:7b]
            review: [paid-model]
        {budgets}
        """).Models, _ => null), _store, _events, TimeProvider.System, name => name == KeyVariable ? "sk-paid" : null);

    private static List<ChatMessage> Ask => [new(ChatRole.User, "review the change")];

    [Fact]
    public async Task Each_call_is_recorded_with_tokens_time_and_cost_and_rolls_up()
    {
        await using var services = Services();
        var client = services.ClientFor(new CallContext("review", _project.Id, "T-1", ExecutionId: 42), ComplexityTier.Standard);

        var response = await client.GetResponseAsync(Ask);
        await client.GetResponseAsync(Ask);

        Assert.Equal("done", response.Text);
        Assert.Equal("paid-model", response.AdditionalProperties?["wilson.model"]);
        // 1,000 tokens in at 3.00 and 200 out at 15.00 per million: 0.003 + 0.003 = 0.006 a call.
        Assert.Equal(new UsageTotals(2, 2_000, 400, 12_000), await _store.GetUsageAsync(new UsageScope(_project.Id, "T-1"), CancellationToken.None));
        Assert.Equal(0.012m, (await _store.GetUsageAsync(new UsageScope(_project.Id, "T-1"), CancellationToken.None)).Cost);
        Assert.Equal(2, (await _store.GetUsageAsync(new UsageScope(ExecutionId: 42), CancellationToken.None)).Calls);
        Assert.Equal(2, (await _store.GetUsageAsync(new UsageScope(_project.Id, Day: DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime)), CancellationToken.None)).Calls);
    }

    [Fact]
    public async Task A_local_model_costs_nothing_but_its_tokens_count()
    {
        await using var services = Services();

        await services.ClientFor(new CallContext("code", _project.Id, "T-2"), ComplexityTier.Standard).GetResponseAsync(Ask);

        Assert.Equal(new UsageTotals(1, 1_000, 200, 0), await _store.GetUsageAsync(new UsageScope(_project.Id, "T-2"), CancellationToken.None));
    }

    [Fact]
    public async Task An_item_over_its_cost_budget_is_stopped_before_the_call_is_sent()
    {
        await using var services = Services("""
              budgets:
                item_cost: 0.01
            """);
        var client = services.ClientFor(new CallContext("review", _project.Id, "T-3"), ComplexityTier.Standard);
        await client.GetResponseAsync(Ask);
        await client.GetResponseAsync(Ask);
        var sent = _server.Requests.Count;

        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Ask));

        Assert.Equal("item_cost", error.Budget);
        Assert.StartsWith("budget item_cost reached: item T-3 has spent 0.012 of its 0.01", error.Message, StringComparison.Ordinal);
        Assert.Equal(sent, _server.Requests.Count);
        Assert.Single(_events.OfType(BudgetChatClient.ExceededEvent));
        Assert.Equal(2, (await _store.GetUsageAsync(new UsageScope(_project.Id, "T-3"), CancellationToken.None)).Calls);
    }

    [Fact]
    public async Task A_token_budget_per_project_and_day_counts_every_item_of_the_project()
    {
        await using var services = Services("""
              budgets:
                project_day_tokens: 2400
            """);
        await services.ClientFor(new CallContext("code", _project.Id, "T-4"), ComplexityTier.Standard).GetResponseAsync(Ask);
        await services.ClientFor(new CallContext("code", _project.Id, "T-5"), ComplexityTier.Standard).GetResponseAsync(Ask);

        var error = await Assert.ThrowsAsync<BudgetExceededException>(
            () => services.ClientFor(new CallContext("code", _project.Id, "T-6"), ComplexityTier.Standard).GetResponseAsync(Ask));

        Assert.Equal("project_day_tokens", error.Budget);
        Assert.Contains("this project today has used 2,400 of its 2,400 tokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_budget_calls_go_through()
    {
        await using var services = Services("""
              budgets:
                day_cost: 1.00
                item_tokens: 100000
            """);

        var response = await services.ClientFor(new CallContext("review", _project.Id, "T-7"), ComplexityTier.Standard).GetResponseAsync(Ask);

        Assert.Equal("done", response.Text);
    }

    [Fact]
    public async Task A_failed_call_after_the_model_answered_is_recorded_with_its_failure()
    {
        await using var services = Services();
        _server.InjectFault(new FakeFault(FakeFaultKind.MalformedMidStream) { Path = "/api/chat" });

        await Assert.ThrowsAsync<ModelCallException>(() => services.ClientFor(new CallContext("code", _project.Id, "T-8"), ComplexityTier.Standard).GetResponseAsync(Ask));

        Assert.Equal(1, (await _store.GetUsageAsync(new UsageScope(_project.Id, "T-8"), CancellationToken.None)).Calls);
    }
}
