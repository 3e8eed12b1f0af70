namespace Wilson.Testing.Models;

/// <summary>One protocol's streaming wire format; each call writes and flushes its chunk(s).</summary>
internal interface IAnswerStream
{
    /// <summary>Status, headers and whatever the protocol sends before the first text (Anthropic's <c>message_start</c>).</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>One text chunk.</summary>
    Task TextAsync(string token, CancellationToken cancellationToken);

    /// <summary>All the tool calls, after the text.</summary>
    Task ToolCallsAsync(IReadOnlyList<AnswerToolCall> calls, CancellationToken cancellationToken);

    /// <summary>A chunk cut off in the middle of its JSON, as a crashed server leaves it.</summary>
    Task MalformedAsync(CancellationToken cancellationToken);

    /// <summary>The closing chunk(s): finish reason, usage, terminator.</summary>
    Task FinishAsync(CancellationToken cancellationToken);
}
