using System.Text.Json;
using Microsoft.Extensions.AI;
using static Wilson.Llm.Providers.JsonFields;

namespace Wilson.Llm.Providers.Anthropic;

/// <summary>
/// Reads a streamed message: <c>message_start</c> (id, model, input tokens), content blocks of text
/// (<c>text_delta</c>s) and of tool use (<c>input_json_delta</c> fragments, passed on whole at the
/// block's end), <c>message_delta</c> (stop reason, output tokens) and <c>message_stop</c>. Events it
/// does not know (<c>ping</c>, thinking, ones added later) carry nothing for the caller.
/// </summary>
internal sealed class AnthropicStreamReader(ModelEndpoint endpoint, string model) : ISseAnswerReader
{
    private readonly Dictionary<int, StreamedToolCall> _calls = [];
    private string? _messageId;
    private string? _modelId;
    private UsageDetails _usage = new();
    private ChatFinishReason? _finishReason;

    public bool Finished { get; private set; }

    public ChatResponseUpdate? Read(string eventType, ReadOnlySpan<byte> data)
    {
        return eventType switch
        {
            "content_block_delta" => Delta(data),
            "message_stop" => Stop(),
            "ping" => null,
            // A server that names no events: the type is in the data.
            "message" => TypeOf(data) is var type && type != "message" ? Read(type, data) : null,
            _ => Rare(eventType, data),
        };
    }

    // A server that closes the stream after the stop reason without message_stop answered in full.
    public ChatResponseUpdate? End() => _finishReason is not null ? null : throw MalformedAnswer.Unfinished(endpoint, model);

    private ChatResponseUpdate? Stop()
    {
        Finished = true;
        return null;
    }

    // Nearly every event: one forward pass, without a document.
    private ChatResponseUpdate? Delta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw MalformedAnswer.Error(endpoint, model, data, "an event is not a JSON object");
        }

        var index = 0;
        var kind = DeltaKind.Other;
        string? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) ? i : 0;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                (kind, value) = DeltaValue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        switch (kind)
        {
            case DeltaKind.Text when !string.IsNullOrEmpty(value):
                return Update([new TextContent(value)]);
            case DeltaKind.Json when value is not null && _calls.TryGetValue(index, out var call):
                call.Append(value);
                return null;
            default:
                return null;
        }
    }

    private static (DeltaKind Kind, string? Value) DeltaValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return (DeltaKind.Other, null);
        }

        var kind = DeltaKind.Other;
        string? text = null;
        string? json = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = reader.ValueTextEquals("text_delta"u8) ? DeltaKind.Text : reader.ValueTextEquals("input_json_delta"u8) ? DeltaKind.Json : DeltaKind.Other;
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("partial_json"u8))
            {
                reader.Read();
                json = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (kind, kind == DeltaKind.Json ? json : text);
    }

    // A few events per answer: a document is clearer than a forward pass.
    private ChatResponseUpdate? Rare(string eventType, ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw MalformedAnswer.Error(endpoint, model, data, "an event is not a JSON object");
        }

        switch (eventType)
        {
            case "message_start":
                MessageStart(root);
                return null;
            case "content_block_start":
                return BlockStart(root);
            case "content_block_stop":
                return BlockStop(root);
            case "message_delta":
                return MessageDelta(root);
            case "error":
                throw StreamedError(root);
            default:
                return null;
        }
    }

    private void MessageStart(JsonElement root)
    {
        if (!root.TryGetProperty("message", out var message))
        {
            return;
        }

        _messageId = String(message, "id");
        _modelId = String(message, "model");
        if (message.TryGetProperty("usage", out var usage))
        {
            _usage = new UsageDetails
            {
                InputTokenCount = Number(usage, "input_tokens"),
                CachedInputTokenCount = Number(usage, "cache_read_input_tokens"),
            };
        }
    }

    private ChatResponseUpdate? BlockStart(JsonElement root)
    {
        if (!root.TryGetProperty("content_block", out var block))
        {
            return null;
        }

        var index = Number(root, "index") is { } i ? (int)i : _calls.Count;
        switch (String(block, "type"))
        {
            case "tool_use":
                _calls[index] = new StreamedToolCall(String(block, "id") ?? $"toolu_{index}", String(block, "name") ?? "");
                return null;
            case "text" when String(block, "text") is { Length: > 0 } text:
                return Update([new TextContent(text)]);
            default:
                return null;
        }
    }

    private ChatResponseUpdate? BlockStop(JsonElement root)
    {
        var index = Number(root, "index") is { } i ? (int)i : -1;
        return _calls.Remove(index, out var call) ? Update([call.ToContent()]) : null;
    }

    private ChatResponseUpdate MessageDelta(JsonElement root)
    {
        if (root.TryGetProperty("delta", out var delta) && String(delta, "stop_reason") is { } reason)
        {
            _finishReason = reason switch
            {
                "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
                "max_tokens" => ChatFinishReason.Length,
                "tool_use" => ChatFinishReason.ToolCalls,
                "refusal" => ChatFinishReason.ContentFilter,
                _ => new ChatFinishReason(reason),
            };
        }

        List<AIContent> contents = [];
        if (root.TryGetProperty("usage", out var usage))
        {
            // Anthropic's counts here are totals so far; the input was counted at the start.
            var output = Number(usage, "output_tokens");
            contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = _usage.InputTokenCount,
                CachedInputTokenCount = _usage.CachedInputTokenCount,
                OutputTokenCount = output,
                TotalTokenCount = _usage.InputTokenCount + output,
            }));
        }

        var update = Update(contents);
        update.FinishReason = _finishReason;
        return update;
    }

    private ModelCallException StreamedError(JsonElement root)
    {
        var error = root.TryGetProperty("error", out var e) ? e : root;
        var status = String(error, "type") switch
        {
            "invalid_request_error" => 400,
            "authentication_error" => 401,
            "permission_error" => 403,
            "not_found_error" => 404,
            "request_too_large" => 413,
            "rate_limit_error" => 429,
            "overloaded_error" => 529,
            _ => 500,
        };
        return CloudErrors.InStream(status, String(error, "message") ?? root.GetRawText(), endpoint, model);
    }

    private ChatResponseUpdate Update(List<AIContent> contents) =>
        new(ChatRole.Assistant, contents) { ResponseId = _messageId, MessageId = _messageId, ModelId = _modelId ?? model };

    private static string TypeOf(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        using var document = JsonDocument.ParseValue(ref reader);
        return String(document.RootElement, "type") ?? "";
    }

    private enum DeltaKind
    {
        Other,
        Text,
        Json,
    }
}
