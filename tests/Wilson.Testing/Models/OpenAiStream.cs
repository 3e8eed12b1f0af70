using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>
/// OpenAI's streamed chat completion: <c>chat.completion.chunk</c> events with a content delta per
/// text chunk, tool calls as a header delta then argument fragments, a chunk with the finish reason,
/// the usage chunk (<c>"choices":[]</c>) when asked for, and <c>data: [DONE]</c>.
/// </summary>
internal sealed class OpenAiStream(HttpContext context, string id, string model, ScriptedAnswer answer, bool includeUsage, TimeProvider time)
    : IAnswerStream
{
    public Task StartAsync(CancellationToken cancellationToken) => Sse.StartAsync(context, cancellationToken);

    public Task TextAsync(string token, CancellationToken cancellationToken) =>
        ChunkAsync(new JsonObject { ["role"] = "assistant", ["content"] = token }, null, cancellationToken);

    public async Task ToolCallsAsync(IReadOnlyList<AnswerToolCall> calls, CancellationToken cancellationToken)
    {
        for (var index = 0; index < calls.Count; index++)
        {
            var call = calls[index];
            var header = new JsonObject
            {
                ["index"] = index,
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            };
            await ChunkAsync(new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(header) }, null, cancellationToken);
            foreach (var fragment in call.ArgumentFragments())
            {
                var delta = new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = fragment } };
                await ChunkAsync(new JsonObject { ["tool_calls"] = new JsonArray(delta) }, null, cancellationToken);
            }
        }
    }

    public Task MalformedAsync(CancellationToken cancellationToken) =>
        Sse.EventAsync(context, null, $"{{\"id\":\"{id}\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"tru", cancellationToken);

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await ChunkAsync(new JsonObject(), OpenAiJson.FinishReason(answer), cancellationToken);
        if (includeUsage)
        {
            var usage = Envelope();
            usage["choices"] = new JsonArray();
            usage["usage"] = OpenAiJson.Usage(answer);
            await Sse.EventAsync(context, null, HttpJson.Text(usage), cancellationToken);
        }

        await Sse.EventAsync(context, null, "[DONE]", cancellationToken);
    }

    private Task ChunkAsync(JsonObject delta, string? finishReason, CancellationToken cancellationToken)
    {
        var chunk = Envelope();
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        });
        return Sse.EventAsync(context, null, HttpJson.Text(chunk), cancellationToken);
    }

    private JsonObject Envelope() => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = HttpJson.UnixSeconds(time.GetUtcNow()),
        ["model"] = model,
        ["system_fingerprint"] = OpenAiJson.Fingerprint,
    };
}
