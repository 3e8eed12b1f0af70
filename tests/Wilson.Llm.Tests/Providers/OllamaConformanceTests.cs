namespace Wilson.Llm.Tests.Providers;

public sealed class OllamaConformanceTests : ProviderConformanceTests
{
    protected override ModelProtocol Protocol => ModelProtocol.Ollama;

    protected override Uri BaseUrlAt(Uri root) => root;

    // Ollama takes no key.
    protected override string? SecretToRequire => null;

    [Fact]
    public async Task A_model_that_is_not_pulled_says_how_to_pull_it()
    {
        using var client = Client();
        Server.InjectFault(new Wilson.Testing.Models.FakeFault(Wilson.Testing.Models.FakeFaultKind.UnknownModel));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new(Microsoft.Extensions.AI.ChatRole.User, "hi")]));

        Assert.Contains("ollama pull fake-model", error.Message, StringComparison.Ordinal);
    }
}
