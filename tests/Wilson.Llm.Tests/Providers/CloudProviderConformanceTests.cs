using Microsoft.Extensions.AI;
using Wilson.Llm.Providers;

namespace Wilson.Llm.Tests.Providers;

/// <summary>What a provider with a key must also do: send it, and never show it.</summary>
public abstract class CloudProviderConformanceTests : ProviderConformanceTests
{
    [Fact]
    public async Task The_key_from_the_named_variable_is_sent()
    {
        using var client = Client();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]);

        var headers = Server.Requests[^1].Headers;
        Assert.Contains(headers, h => h.Value.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_naming_its_variable_never_the_key()
    {
        Server.RequiredApiKey = "sk-the-right-one";
        using var client = Client();

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "please greet me")]));

        Assert.Equal(ModelErrorKind.Unauthorized, error.Kind);
        Assert.Contains(KeyVariable, error.Message, StringComparison.Ordinal);
        AssertNoSecret(error);
    }

    [Fact]
    public void A_missing_key_says_which_variable_to_set()
    {
        using var factory = new ChatClientFactory(_ => null, TimeProvider.System);

        var error = Assert.Throws<ModelCallException>(() => factory.Create(Endpoint(), Model));

        Assert.Equal(ModelErrorKind.Unauthorized, error.Kind);
        Assert.Contains($"export {KeyVariable}=", error.Message, StringComparison.Ordinal);
    }
}
