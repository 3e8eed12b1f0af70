using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>Messages, tools, tool calls and results as the protocols write and read them.</summary>
internal static class ChatJson
{
    /// <summary>A message's role as OpenAI and Ollama name it.</summary>
    public static string Role(ChatRole role) =>
        role == ChatRole.System ? "system" : role == ChatRole.Assistant ? "assistant" : role == ChatRole.Tool ? "tool" : "user";

    /// <summary>A function tool as OpenAI and Ollama declare it: <c>{"type":"function","function":{name, description, parameters}}</c>.</summary>
    public static JsonNode FunctionTool(AIFunctionDeclaration function)
    {
        var declaration = new JsonObject { ["name"] = function.Name };
        if (!string.IsNullOrEmpty(function.Description))
        {
            declaration["description"] = function.Description;
        }

        declaration["parameters"] = Schema(function);
        return new JsonObject { ["type"] = "function", ["function"] = declaration };
    }

    /// <summary>A call's arguments from the JSON object a model sent; an empty text is no arguments.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">The JSON is not an object.</exception>
    public static Dictionary<string, object?> Arguments(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        using var document = JsonDocument.Parse(json);
        return Arguments(document.RootElement);
    }

    /// <summary>A call's arguments from a JSON object; each value outlives the document it came from.</summary>
    /// <exception cref="FormatException">The element is not an object.</exception>
    public static Dictionary<string, object?> Arguments(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"tool arguments must be a JSON object, not {element.ValueKind}");
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone();
        }

        return arguments;
    }

    /// <summary>A call's arguments as a JSON object node.</summary>
    public static JsonNode? ArgumentsNode(FunctionCallContent call) =>
        JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>());

    /// <summary>A tool's result as the text a model reads: strings as they are, anything else as JSON.</summary>
    public static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        JsonElement element when element.ValueKind == JsonValueKind.String => element.GetString() ?? "",
        _ => JsonSerializer.Serialize(result),
    };

    /// <summary>A tool's parameters as the JSON schema node the protocols send.</summary>
    public static JsonNode? Schema(AIFunctionDeclaration function) => JsonNode.Parse(function.JsonSchema.GetRawText());

    /// <summary>The text of a message's text contents.</summary>
    public static string Text(ChatMessage message) => string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));

    /// <summary>Sets an option of a request body when the caller gave one; an option not given is left to the server.</summary>
    public static void SetIfGiven<T>(JsonObject body, string name, T? value)
        where T : struct
    {
        if (value is { } given)
        {
            body[name] = JsonValue.Create(given);
        }
    }
}
