using Wilson.Core.Configuration;

namespace Wilson.Llm.Tests;

public sealed class ModelCatalogTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:11434/")]
    [InlineData("", "http://127.0.0.1:11434/")]
    [InlineData("127.0.0.1:11500", "http://127.0.0.1:11500/")]
    [InlineData("gpu-box", "http://gpu-box:11434/")]
    [InlineData("http://gpu-box:8080", "http://gpu-box:8080/")]
    [InlineData("https://ollama.example.org", "https://ollama.example.org/")]
    [InlineData("0.0.0.0", "http://127.0.0.1:11434/")]
    [InlineData("0.0.0.0:11435", "http://127.0.0.1:11435/")]
    public void OLLAMA_HOST_is_read_as_Ollama_reads_it(string? value, string expected) =>
        Assert.Equal(expected, ModelCatalog.OllamaHost(value).ToString());

    [Fact]
    public void An_ollama_endpoint_without_url_uses_OLLAMA_HOST_and_one_with_url_keeps_it()
    {
        var config = ProjectConfigFile.Parse("wilson.yaml", """
            project:
              name: shop
            models:
              endpoints:
                local:
                  protocol: ollama
                  url: ""
                remote:
                  protocol: ollama
                  url: http://10.0.0.5:11434
                claude:
                  protocol: anthropic
                  api_key_env: ANTHROPIC_API_KEY
              models:
                coder:7b:
                  endpoint: local
                big:32b:
                  endpoint: remote
                sonnet:
                  endpoint: claude
            """).Models;

        var catalog = ModelCatalog.From(config, name => name == "OLLAMA_HOST" ? "127.0.0.1:11500" : null);

        Assert.Equal("http://127.0.0.1:11500/", catalog.Models["coder:7b"].Endpoint.BaseUrl.ToString());
        Assert.Equal("http://10.0.0.5:11434/", catalog.Models["big:32b"].Endpoint.BaseUrl.ToString());
        Assert.Equal("https://api.anthropic.com/", catalog.Models["sonnet"].Endpoint.BaseUrl.ToString());
        Assert.Equal((false, false, true), (catalog.Models["coder:7b"].Cloud, catalog.Models["big:32b"].Cloud, catalog.Models["sonnet"].Cloud));
        Assert.Equal(0, catalog.Models["sonnet"].SizeBytes);
    }
}
