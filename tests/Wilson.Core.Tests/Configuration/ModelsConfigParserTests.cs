using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class ModelsConfigParserTests
{
    private const string File = ".wilson/wilson.yaml";

    private const string Valid = """
        project:
          name: shop
        models:
          endpoints:
            local:
              protocol: ollama
            groq:
              protocol: openai
              url: https://api.groq.com/openai/v1
              api_key_env: GROQ_API_KEY
              request_timeout: 45s
          memory_budget: 12GB
          models:
            qwen2.5-coder:7b:
              endpoint: local
              idle_timeout: 0s
              num_ctx: 16384
              size: 4.7GB
            llama3.2:3b:
              endpoint: local
              keep_alive: true
            llama-3.3-70b:
              endpoint: groq
              cost_in: 0.59
              cost_out: 0.79
              supports_tools: false
              max_concurrency: 4
          purposes:
            chat: llama3.2:3b
            code: [qwen2.5-coder:7b, llama-3.3-70b]
          budgets:
            item_tokens: 2_000_000
            day_cost: 20.50
        """;

    private static ModelsConfig Parse(string yaml) => ProjectConfigFile.Parse(File, yaml).Models;

    private static ConfigFormatException Refuse(string yaml) => Assert.Throws<ConfigFormatException>(() => Parse(yaml));

    private static string With(string models) => $"project:\n  name: shop\nmodels:\n{models}";

    [Fact]
    public void Parse_FullSection_ReadsEverySetting()
    {
        var models = Parse(Valid);

        var groq = models.Endpoints["groq"];
        Assert.Equal(("openai", "https://api.groq.com/openai/v1/", "GROQ_API_KEY", true, TimeSpan.FromSeconds(45)),
            (groq.Protocol, groq.Url!.AbsoluteUri, groq.ApiKeyEnv, groq.Cloud, groq.RequestTimeout));
        var local = models.Endpoints["local"];
        Assert.Equal(("ollama", null, false), (local.Protocol, local.Url, local.Cloud));

        var coder = models.Models["qwen2.5-coder:7b"];
        Assert.Equal(("local", false, TimeSpan.Zero, 16384, (long)(4.7 * (1L << 30))), (coder.Endpoint, coder.KeepAlive, coder.IdleTimeout, coder.NumCtx, coder.SizeBytes));
        Assert.True(models.Models["llama3.2:3b"].KeepAlive);
        var cloud = models.Models["llama-3.3-70b"];
        Assert.Equal((0.59m, 0.79m, false, 4), (cloud.CostPerMillionIn, cloud.CostPerMillionOut, cloud.SupportsTools, cloud.MaxConcurrency));

        Assert.Equal(["llama3.2:3b"], models.PurposeModels["chat"]);
        Assert.Equal(["qwen2.5-coder:7b", "llama-3.3-70b"], models.PurposeModels["code"]);
        Assert.Equal(12L << 30, models.MemoryBudgetBytes);
        Assert.Equal((2_000_000L, 20.50m), (models.Budgets.ItemTokens!.Value, models.Budgets.DayCost!.Value));
        Assert.Null(models.Budgets.ProjectDayCost);
    }

    [Fact]
    public void Parse_NoModelsSection_IsEmpty()
    {
        Assert.True(Parse("project:\n  name: shop\n").IsEmpty);
    }

    [Fact]
    public void Parse_UnknownPurpose_IsRefusedWithDidYouMean()
    {
        var error = Refuse(Valid.Replace("    chat: llama3.2:3b", "    reveiw: llama3.2:3b", StringComparison.Ordinal));

        Assert.Equal("models.purposes.reveiw", error.Key);
        Assert.Contains("did you mean 'review'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownModelKey_IsRefusedNamingItsLine()
    {
        var error = Refuse(With("  models:\n    m:\n      endpoint: local\n      keepalive: true\n  endpoints:\n    local:\n      protocol: ollama\n"));

        Assert.Equal("models.models.m.keepalive", error.Key);
        Assert.Contains("did you mean 'keep_alive'", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void Parse_PurposeNamingAnUndefinedModel_IsRefused()
    {
        var error = Refuse(Valid.Replace("code: [qwen2.5-coder:7b, llama-3.3-70b]", "code: [qwen2.5-coder:7b, llama-3.3-7b]", StringComparison.Ordinal));

        Assert.Equal("models.purposes.code", error.Key);
        Assert.Contains("no model named 'llama-3.3-7b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'llama-3.3-70b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModelOnAnUndefinedEndpoint_IsRefused()
    {
        var error = Refuse(Valid.Replace("      endpoint: groq", "      endpoint: grok", StringComparison.Ordinal));

        Assert.Equal("models.models.llama-3.3-70b.endpoint", error.Key);
        Assert.Contains("did you mean 'groq'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("      protocol: ollama\n", "      protocol: olama\n", "models.endpoints.local.protocol", "did you mean 'ollama'")]
    [InlineData("      url: https://api.groq.com/openai/v1\n", "      url: ftp://example\n", "models.endpoints.groq.url", "http:// or https://")]
    [InlineData("      request_timeout: 45s\n", "      request_timeout: 0s\n", "models.endpoints.groq.request_timeout", "more than zero")]
    [InlineData("  memory_budget: 12GB\n", "  memory_budget: lots\n", "models.memory_budget", "a size like 4.7GB")]
    [InlineData("      cost_in: 0.59\n", "      cost_in: cheap\n", "models.models.llama-3.3-70b.cost_in", "an amount like 0.15")]
    [InlineData("      num_ctx: 16384\n", "      num_ctx: 12\n", "models.models.qwen2.5-coder:7b.num_ctx", "from 256")]
    [InlineData("    item_tokens: 2_000_000\n", "    item_tokens: -5\n", "models.budgets.item_tokens", "a number of tokens")]
    public void Parse_BadValue_IsRefusedNamingItsKey(string good, string bad, string key, string message)
    {
        var yaml = Valid.Replace(good.Replace("\n", "", StringComparison.Ordinal), bad.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotEqual(Valid, yaml);

        var error = Refuse(yaml);

        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnthropicWithoutKeyVariable_IsRefused()
    {
        var error = Refuse(With("  endpoints:\n    claude:\n      protocol: anthropic\n"));

        Assert.Equal("models.endpoints.claude.api_key_env", error.Key);
        Assert.Contains("ANTHROPIC_API_KEY", error.Message, StringComparison.Ordinal);
    }

    private static ModelsConfig ParseModels(string models) => ProjectConfigFile.Parse(File, $"""
        project:
          name: shop
        models:
          endpoints:
            local:
              protocol: ollama
        {models}
        """).Models;

    [Fact]
    public void ConstrainedCalls_ForAModelWithoutNativeTools_IsRead_AndRefusedWithThem()
    {
        var models = ParseModels("  models:\n    small:\n      endpoint: local\n      supports_tools: false\n      constrained_calls: true\n");
        var refused = Assert.Throws<ConfigFormatException>(() => ParseModels("  models:\n    small:\n      endpoint: local\n      constrained_calls: true\n"));

        Assert.True(models.Models["small"].ConstrainedCalls);
        Assert.Equal("models.models.small.constrained_calls", refused.Key);
        Assert.Contains("set supports_tools: false too", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ItemTokens_HasADefault_AndNoneLiftsIt()
    {
        var defaults = ParseModels("  models:\n    m:\n      endpoint: local\n");
        var lifted = ParseModels("  models:\n    m:\n      endpoint: local\n  budgets:\n    item_tokens: none\n");
        var given = ParseModels("  models:\n    m:\n      endpoint: local\n  budgets:\n    day_cost: 1\n");

        Assert.Equal(BudgetConfig.DefaultItemTokens, defaults.Budgets.ItemTokens);
        Assert.Null(lifted.Budgets.ItemTokens);
        Assert.Equal(BudgetConfig.DefaultItemTokens, given.Budgets.ItemTokens);
    }
}
