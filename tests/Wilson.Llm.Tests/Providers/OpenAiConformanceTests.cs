namespace Wilson.Llm.Tests.Providers;

public sealed class OpenAiConformanceTests : CloudProviderConformanceTests
{
    protected override ModelProtocol Protocol => ModelProtocol.OpenAi;

    protected override Uri BaseUrlAt(Uri root) => new(root, "v1/");
}
