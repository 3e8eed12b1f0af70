namespace Wilson.Testing.Models;

/// <summary>What goes wrong with a request a <see cref="FakeFault"/> applies to.</summary>
/// <remarks>
/// The three stream faults also apply to an answer asked for whole (<c>"stream": false</c>):
/// <see cref="SlowStream"/> waits what the stream would have taken before answering,
/// <see cref="MalformedMidStream"/> sends the first half of the JSON body, and
/// <see cref="DropConnection"/> closes the connection without a response.
/// </remarks>
public enum FakeFaultKind
{
    /// <summary>HTTP 500 with the protocol's error body.</summary>
    ServerError,

    /// <summary>HTTP 429 with <c>Retry-After</c> (whole seconds, rounded up) and the protocol's error body.</summary>
    TooManyRequests,

    /// <summary>The request is accepted and never answered until the client cancels or disconnects.</summary>
    Hang,

    /// <summary>The answer streams normally but waits <see cref="FakeFault.Delay"/> before each text chunk and before the tool calls.</summary>
    SlowStream,

    /// <summary>The first text chunk is sent, then a line of truncated JSON, then the response ends.</summary>
    MalformedMidStream,

    /// <summary>The first text chunk is sent (and given 50 ms to arrive), then the connection is aborted.</summary>
    DropConnection,

    /// <summary>HTTP 404 in the protocol's words, as if the model were not pulled.</summary>
    UnknownModel,

    /// <summary>HTTP 500 saying the model needs more memory than is available (Ollama's message).</summary>
    OutOfMemory,

    /// <summary>HTTP 401 in the protocol's words.</summary>
    Unauthorized,
}
