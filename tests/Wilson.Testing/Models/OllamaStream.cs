using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>
/// Ollama's streamed answer, one JSON object per line (<c>application/x-ndjson</c>): for
/// <c>/api/chat</c> the text in <c>message.content</c>, for <c>/api/generate</c> in <c>response</c>;
/// then a <c>done</c> object with the timings and counts.
/// </summary>
internal sealed class OllamaStream(HttpContext context, string model, ScriptedAnswer answer, bool coldLoad, bool chat, TimeProvider time)
    : IAnswerStream
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson";
        return context.Response.StartAsync(cancellationToken);
    }

    public Task TextAsync(string token, CancellationToken cancellationToken) =>
        LineAsync(Chunk(token, done: false), cancellationToken);

    public Task ToolCallsAsync(IReadOnlyList<AnswerToolCall> calls, CancellationToken cancellationToken)
    {
        var chunk = Chunk("", done: false);
        chunk["message"]!["tool_calls"] = OllamaJson.ToolCalls(calls);
        return LineAsync(chunk, cancellationToken);
    }

    public Task MalformedAsync(CancellationToken cancellationToken)
    {
        var start = $"{{\"model\":{HttpJson.Text(JsonValue.Create(model))},\"created_at\":\"{OllamaJson.Now(time)}\",";
        return WriteAsync(start + (chat ? "\"message\":{\"role\":\"assistant\",\"content\":\"tru\n" : "\"response\":\"tru\n"), cancellationToken);
    }

    public Task FinishAsync(CancellationToken cancellationToken)
    {
        var chunk = Chunk("", done: true);
        chunk["done_reason"] = OllamaJson.DoneReason(answer);
        OllamaJson.AddStats(chunk, answer, coldLoad);
        return LineAsync(chunk, cancellationToken);
    }

    /// <summary>A chunk of this answer; the done chunk's text is empty.</summary>
    public JsonObject Chunk(string text, bool done) => OllamaJson.Chunk(model, time, text, chat, done);

    private Task LineAsync(JsonObject chunk, CancellationToken cancellationToken) =>
        WriteAsync(HttpJson.Text(chunk) + "\n", cancellationToken);

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(text, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
