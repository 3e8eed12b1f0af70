using Wilson.Core.Configuration;

namespace Wilson.Llm.Tests;

/// <summary>
/// The <c>models</c> settings a server on this machine needs: <c>cloud</c> by the endpoint's address, no key
/// required there, and each model's <c>max_output_tokens</c>, read as strictly as every other key.
/// (ModelsConfigParser lives in Wilson.Core; these sit beside the catalog that resolves them.)
/// </summary>
public sealed class ModelSettingsTests
{
    private static ModelsConfig Parse(string endpoints, string model = "") => ProjectConfigFile.Parse("wilson.yaml", $"""
        project:
          name: shop
        models:
          endpoints:
        {endpoints}
          models:
            local-model:
              endpoint: server
        {model}
        """).Models;

    private static string Endpoint(string protocol, string url, string extra = "") =>
        $"    server:\n      protocol: {protocol}\n      url: {url}\n{extra}";

    [Theory]
    [InlineData("openai", "http://127.0.0.1:8080/v1", false)]
    [InlineData("openai", "http://localhost:1234/v1", false)]
    [InlineData("openai", "http://[::1]:8000/v1", false)]
    [InlineData("anthropic", "http://127.0.0.1:8080", false)]
    [InlineData("ollama", "http://10.0.0.5:11434", false)]
    [InlineData("openai", "http://10.0.0.5:8080/v1", true)]
    [InlineData("openai", "https://api.groq.com/openai/v1", true)]
    public void Cloud_NotSet_IsFalseOnThisMachineAndTrueElsewhereButForOllama(string protocol, string url, bool cloud)
    {
        var key = protocol == "anthropic" ? "" : "      api_key_env: SOME_KEY\n";
        var models = Parse(Endpoint(protocol, url, protocol == "ollama" ? "" : key));

        Assert.Equal(cloud, models.Endpoints["server"].Cloud);
        Assert.Equal(cloud, ModelCatalog.From(models, _ => null).Models["local-model"].Cloud);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/v1", "true", true)]
    [InlineData("http://10.0.0.5:8080/v1", "false", false)]
    public void Cloud_SetInWilsonYaml_Wins(string url, string setting, bool cloud)
    {
        var models = Parse(Endpoint("openai", url, $"      api_key_env: SOME_KEY\n      cloud: {setting}\n"));

        Assert.Equal(cloud, models.Endpoints["server"].Cloud);
    }

    [Fact]
    public void ApiKeyEnv_AnthropicOnThisMachine_IsNotRequired()
    {
        var models = Parse(Endpoint("anthropic", "http://127.0.0.1:8080"));

        Assert.Null(models.Endpoints["server"].ApiKeyEnv);
    }

    [Fact]
    public void ApiKeyEnv_AnthropicElsewhere_IsStillRequired()
    {
        var error = Assert.Throws<ConfigFormatException>(() => Parse(Endpoint("anthropic", "https://api.anthropic.com")));

        Assert.Equal("models.endpoints.server.api_key_env", error.Key);
        Assert.Contains("is required for anthropic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxOutputTokens_Set_IsRead()
    {
        var models = Parse(Endpoint("openai", "http://127.0.0.1:8080/v1"), "      num_ctx: 8192\n      max_output_tokens: 2048\n");

        Assert.Equal((8192, 2048), (models.Models["local-model"].NumCtx, models.Models["local-model"].MaxOutputTokens));
    }

    [Fact]
    public void MaxOutputTokens_NotSet_Is4096()
    {
        var models = Parse(Endpoint("openai", "http://127.0.0.1:8080/v1"));

        Assert.Equal(4096, models.Models["local-model"].MaxOutputTokens);
    }

    [Theory]
    [InlineData("      max_output_tokens: lots\n", "expected a whole number from 1 to 10000000, not 'lots'")]
    [InlineData("      max_output_tokens: 0\n", "expected a whole number from 1 to 10000000, not '0'")]
    [InlineData("      num_ctx: 4096\n      max_output_tokens: 4096\n", "is 4096 but num_ctx is 4096: the answer must leave room for the prompt in the context window")]
    [InlineData("      max_output_tokenz: 10\n", "unknown key (did you mean 'max_output_tokens'?)")]
    public void MaxOutputTokens_Invalid_IsRefusedNamingTheKeyAndLine(string setting, string problem)
    {
        var error = Assert.Throws<ConfigFormatException>(() => Parse(Endpoint("openai", "http://127.0.0.1:8080/v1"), setting));

        Assert.StartsWith("models.models.local-model.max_output_token", error.Key, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 11, $"line {error.Line}");
    }
}
