using System.Text.Json;
using Microsoft.Extensions.AI;
using static Wilson.Llm.Providers.JsonFields;

namespace Wilson.Llm.Providers.OpenAi;

/// <summary>
/// Reads a streamed chat completion: <c>chat.completion.chunk</c> events, each with a delta of text or
/// of tool calls, the finish reason, then (asked for) the usage chunk and <c>[DONE]</c>. Tool calls are
/// put together from their fragments and passed on whole when the answer finishes.
/// </summary>
internal sealed class OpenAiStreamReader(ModelEndpoint endpoint, string model) : ISseAnswerReader
{
    private readonly SortedDictionary<int, StreamedToolCall> _calls = [];
    private string? _responseId;
    private string? _modelId;
    private DateTimeOffset? _createdAt;
    private ChatFinishReason? _finishReason;

    public bool Finished { get; private set; }

    public ChatResponseUpdate? Read(string eventType, ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Finished = true;
            return PendingCalls();
        }

        return Chunk(data);
    }

    // Servers that close the stream after the finish reason without [DONE] (some OpenAI-compatible ones) answered in full.
    public ChatResponseUpdate? End() => _finishReason is not null ? PendingCalls() : throw MalformedAnswer.Unfinished(endpoint, model);

    // One forward pass, without a document or a string per event beyond the token's own text.
    private ChatResponseUpdate? Chunk(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw MalformedAnswer.Error(endpoint, model, data, "an event is not a JSON object");
        }

        string? text = null;
        ChatFinishReason? finishReason = null;
        UsageDetails? usage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                (text, finishReason) = Choices(ref reader);
            }
            else if (reader.ValueTextEquals("id"u8) && _responseId is null)
            {
                reader.Read();
                _responseId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("model"u8) && _modelId is null)
            {
                reader.Read();
                _modelId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("created"u8) && _createdAt is null)
            {
                reader.Read();
                _createdAt = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                usage = Usage(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    using var error = JsonDocument.ParseValue(ref reader);
                    throw StreamedError(error.RootElement);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        List<AIContent> contents = [];
        if (!string.IsNullOrEmpty(text))
        {
            contents.Add(new TextContent(text));
        }

        if (finishReason is not null)
        {
            _finishReason = finishReason;
            AddCalls(contents);
        }

        if (usage is not null)
        {
            contents.Add(new UsageContent(usage));
        }

        return contents.Count > 0 || finishReason is not null ? Update(contents, finishReason) : null;
    }

    // Wilson asks for one choice; a server that sends more has them ignored.
    private (string? Text, ChatFinishReason? FinishReason) Choices(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return (null, null);
        }

        string? text = null;
        ChatFinishReason? finishReason = null;
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            first = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    text = Delta(ref reader);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    finishReason = reader.TokenType == JsonTokenType.String ? FinishReason(reader.GetString()!) : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return (text, finishReason);
    }

    private string? Delta(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    // A few events per call at most: read as a document and take it apart there.
                    using var calls = JsonDocument.ParseValue(ref reader);
                    AddFragments(calls.RootElement);
                }
                else
                {
                    // Some servers send "tool_calls": null in every event.
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return text;
    }

    private void AddFragments(JsonElement calls)
    {
        foreach (var fragment in calls.EnumerateArray())
        {
            var index = fragment.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : _calls.Count;
            if (!_calls.TryGetValue(index, out var call))
            {
                call = new StreamedToolCall($"call_{index}", "");
                _calls[index] = call;
            }

            if (String(fragment, "id") is { Length: > 0 } id)
            {
                call.Id = id;
            }

            if (fragment.TryGetProperty("function", out var function))
            {
                if (String(function, "name") is { Length: > 0 } name)
                {
                    call.Name = name;
                }

                if (String(function, "arguments") is { } arguments)
                {
                    call.Append(arguments);
                }
            }
        }
    }

    private static UsageDetails? Usage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Some servers send "usage": null in every event.
            reader.Skip();
            return null;
        }

        // Once per answer: a document is clearer than a forward pass.
        using var document = JsonDocument.ParseValue(ref reader);
        var usage = document.RootElement;
        return new UsageDetails
        {
            InputTokenCount = Number(usage, "prompt_tokens"),
            OutputTokenCount = Number(usage, "completion_tokens"),
            TotalTokenCount = Number(usage, "total_tokens"),
            CachedInputTokenCount = usage.TryGetProperty("prompt_tokens_details", out var prompt) ? Number(prompt, "cached_tokens") : null,
            ReasoningTokenCount = usage.TryGetProperty("completion_tokens_details", out var completion) ? Number(completion, "reasoning_tokens") : null,
        };
    }

    private ModelCallException StreamedError(JsonElement error)
    {
        var message = (error.ValueKind == JsonValueKind.String ? error.GetString() : error.ValueKind == JsonValueKind.Object ? String(error, "message") : null)
            ?? error.GetRawText();
        var status = error.ValueKind == JsonValueKind.Object && Number(error, "code") is { } code and >= 400 and < 600 ? (int)code : 500;
        return CloudErrors.InStream(status, message, endpoint, model);
    }

    private ChatResponseUpdate? PendingCalls()
    {
        if (_calls.Count == 0)
        {
            return null;
        }

        List<AIContent> contents = [];
        AddCalls(contents);
        return Update(contents, _finishReason ?? ChatFinishReason.ToolCalls);
    }

    private void AddCalls(List<AIContent> contents)
    {
        foreach (var call in _calls.Values)
        {
            contents.Add(call.ToContent());
        }

        _calls.Clear();
    }

    private ChatResponseUpdate Update(List<AIContent> contents, ChatFinishReason? finishReason) =>
        new(ChatRole.Assistant, contents)
        {
            ResponseId = _responseId,
            MessageId = _responseId,
            ModelId = _modelId ?? model,
            CreatedAt = _createdAt,
            FinishReason = finishReason,
        };

    private static ChatFinishReason FinishReason(string reason) => reason switch
    {
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };
}
