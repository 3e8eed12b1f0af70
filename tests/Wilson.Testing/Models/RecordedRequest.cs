namespace Wilson.Testing.Models;

/// <summary>A request the fake server received, whatever became of it.</summary>
/// <param name="Protocol"><c>ollama</c>, <c>openai</c> or <c>anthropic</c>, from the path (and, for <c>/v1/models</c>, the <c>anthropic-version</c> header).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query string.</param>
/// <param name="Model">The body's <c>model</c> (or <c>name</c>) field, if the body is JSON that has one.</param>
/// <param name="Body">The body as text; empty when there is none.</param>
/// <param name="Headers">The request headers (case-insensitive names; repeated headers joined with <c>, </c>).</param>
/// <param name="At">When it arrived, on the server's <see cref="TimeProvider"/>.</param>
public sealed record RecordedRequest(
    string Protocol,
    string Method,
    string Path,
    string? Model,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset At);
