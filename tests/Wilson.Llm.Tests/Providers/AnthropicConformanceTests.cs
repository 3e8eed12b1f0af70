namespace Wilson.Llm.Tests.Providers;

public sealed class AnthropicConformanceTests : CloudProviderConformanceTests
{
    protected override ModelProtocol Protocol => ModelProtocol.Anthropic;

    protected override Uri BaseUrlAt(Uri root) => root;
}
