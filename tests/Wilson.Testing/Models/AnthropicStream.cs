using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>
/// Anthropic's streamed message: <c>message_start</c>, <c>ping</c>, a text block
/// (<c>content_block_start</c>, <c>text_delta</c>s, <c>content_block_stop</c>), a <c>tool_use</c> block
/// per tool call with <c>input_json_delta</c> fragments, then <c>message_delta</c> (stop reason,
/// output tokens) and <c>message_stop</c>.
/// </summary>
internal sealed class AnthropicStream(HttpContext context, string id, string model, ScriptedAnswer answer) : IAnswerStream
{
    private bool _textOpen;
    private int _blocks;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Sse.StartAsync(context, cancellationToken);
        var message = AnthropicJson.Message(id, model, answer, withContent: false);
        await EventAsync("message_start", new JsonObject { ["message"] = message }, cancellationToken);
        await EventAsync("ping", new JsonObject(), cancellationToken);
    }

    public async Task TextAsync(string token, CancellationToken cancellationToken)
    {
        if (!_textOpen)
        {
            await StartBlockAsync(new JsonObject { ["type"] = "text", ["text"] = "" }, cancellationToken);
            _textOpen = true;
        }

        await DeltaAsync(new JsonObject { ["type"] = "text_delta", ["text"] = token }, cancellationToken);
    }

    public async Task ToolCallsAsync(IReadOnlyList<AnswerToolCall> calls, CancellationToken cancellationToken)
    {
        await CloseTextAsync(cancellationToken);
        foreach (var call in calls)
        {
            await StartBlockAsync(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() }, cancellationToken);
            foreach (var fragment in call.ArgumentFragments())
            {
                await DeltaAsync(new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = fragment }, cancellationToken);
            }

            await StopBlockAsync(cancellationToken);
        }
    }

    public Task MalformedAsync(CancellationToken cancellationToken) =>
        Sse.EventAsync(
            context,
            "content_block_delta",
            $"{{\"type\":\"content_block_delta\",\"index\":{Math.Max(0, _blocks - 1)},\"delta\":{{\"type\":\"text_delta\",\"text\":\"tru",
            cancellationToken);

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_blocks == 0)
        {
            // Anthropic always sends at least one content block, empty text if need be.
            await StartBlockAsync(new JsonObject { ["type"] = "text", ["text"] = "" }, cancellationToken);
            _textOpen = true;
        }

        await CloseTextAsync(cancellationToken);
        await EventAsync(
            "message_delta",
            new JsonObject
            {
                ["delta"] = new JsonObject { ["stop_reason"] = AnthropicJson.StopReason(answer), ["stop_sequence"] = null },
                ["usage"] = new JsonObject { ["output_tokens"] = answer.OutputTokens },
            },
            cancellationToken);
        await EventAsync("message_stop", new JsonObject(), cancellationToken);
    }

    private async Task CloseTextAsync(CancellationToken cancellationToken)
    {
        if (_textOpen)
        {
            await StopBlockAsync(cancellationToken);
            _textOpen = false;
        }
    }

    private async Task StartBlockAsync(JsonObject block, CancellationToken cancellationToken)
    {
        await EventAsync("content_block_start", new JsonObject { ["index"] = _blocks, ["content_block"] = block }, cancellationToken);
        _blocks++;
    }

    private Task DeltaAsync(JsonObject delta, CancellationToken cancellationToken) =>
        EventAsync("content_block_delta", new JsonObject { ["index"] = _blocks - 1, ["delta"] = delta }, cancellationToken);

    private Task StopBlockAsync(CancellationToken cancellationToken) =>
        EventAsync("content_block_stop", new JsonObject { ["index"] = _blocks - 1 }, cancellationToken);

    /// <summary>Writes an event whose data is <paramref name="fields"/> after <c>"type": name</c>.</summary>
    private Task EventAsync(string name, JsonObject fields, CancellationToken cancellationToken)
    {
        var data = new JsonObject { ["type"] = name };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            data[key] = value;
        }

        return Sse.EventAsync(context, name, HttpJson.Text(data), cancellationToken);
    }
}
