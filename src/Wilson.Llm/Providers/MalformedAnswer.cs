using System.Text;

namespace Wilson.Llm.Providers;

/// <summary>The errors for a streamed answer that cannot be read (quoting the start of what came), or that stopped before its end.</summary>
internal static class MalformedAnswer
{
    public static ModelCallException Error(ModelEndpoint endpoint, string model, ReadOnlySpan<byte> data, string what) =>
        new(ModelErrorKind.MalformedResponse, endpoint.Name, model,
            $"{model} on {endpoint.Name} sent an answer that cannot be read: {what}; it began: {Preview(data)}");

    public static ModelCallException Unfinished(ModelEndpoint endpoint, string model) =>
        new(ModelErrorKind.ConnectionLost, endpoint.Name, model,
            $"the answer of {model} on {endpoint.Name} stopped before the model finished (the stream ended without its final chunk)");

    private static string Preview(ReadOnlySpan<byte> data) =>
        data.Length <= 80 ? Encoding.UTF8.GetString(data) : Encoding.UTF8.GetString(data[..80]) + "...";
}
