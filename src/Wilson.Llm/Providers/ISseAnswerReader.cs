using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>Reads one streamed answer, event by event; it holds what spans events (tool calls in pieces, usage).</summary>
internal interface ISseAnswerReader
{
    /// <summary>True once the protocol's last event has been read.</summary>
    bool Finished { get; }

    /// <summary>Reads one event; the update it makes, or null for an event that carries nothing for the caller.</summary>
    /// <exception cref="System.Text.Json.JsonException">The event's data is not JSON (the client reports it as a malformed answer).</exception>
    /// <exception cref="ModelCallException">The event is not what the protocol sends, or is the server's report of an error.</exception>
    ChatResponseUpdate? Read(string eventType, ReadOnlySpan<byte> data);

    /// <summary>The stream ended before <see cref="Finished"/>: what is left to pass on, if the answer was complete.</summary>
    /// <exception cref="ModelCallException">The answer was cut short (ConnectionLost).</exception>
    ChatResponseUpdate? End();
}
