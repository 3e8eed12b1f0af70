using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Wilson.Llm.Providers;

/// <summary>
/// A tool call as a model sent it, whatever it sent: arguments that are a JSON object are read as such;
/// an object sent as a JSON string (small models double-encode) is read from inside the string and marked
/// as repaired; anything else (JSON cut in the middle, a number, a list) becomes a call with no arguments and
/// its <see cref="FunctionCallContent.Exception"/> set, so that the agent tells the model what was wrong
/// instead of losing the whole turn.
/// </summary>
public static class ToolCallArguments
{
    /// <summary>The key in a call's <see cref="AIContent.AdditionalProperties"/> that says how its arguments were repaired.</summary>
    public const string RepairedKey = "wilson.arguments_repaired";

    private const int ShownCharacters = 200;

    /// <summary>The call with arguments read from their JSON text.</summary>
    public static FunctionCallContent Read(string id, string name, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FunctionCallContent(id, name, new Dictionary<string, object?>(StringComparer.Ordinal));
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return Read(id, name, document.RootElement);
        }
        catch (JsonException ex)
        {
            return Broken(id, name, text, $"the arguments are not valid JSON ({ex.Message})");
        }
    }

    /// <summary>The call with arguments read from a JSON value (an object, or a string holding one).</summary>
    public static FunctionCallContent Read(string id, string name, JsonElement arguments)
    {
        switch (arguments.ValueKind)
        {
            case JsonValueKind.Object:
                return new FunctionCallContent(id, name, ChatJson.Arguments(arguments));
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return new FunctionCallContent(id, name, new Dictionary<string, object?>(StringComparer.Ordinal));
            case JsonValueKind.String:
                var inner = arguments.GetString()!;
                var call = Read(id, name, inner);
                if (call.Exception is null)
                {
                    (call.AdditionalProperties ??= [])[RepairedKey] = "the arguments came as a JSON string; the object inside it was used";
                    return call;
                }

                return Broken(id, name, inner, "the arguments are a string, not a JSON object");
            default:
                return Broken(id, name, arguments.GetRawText(), $"the arguments are a JSON {arguments.ValueKind.ToString().ToLowerInvariant()}, not an object");
        }
    }

    private static FunctionCallContent Broken(string id, string name, string text, string problem) =>
        new(id, name)
        {
            RawRepresentation = text,
            Exception = new FormatException(
                $"{problem}: {(text.Length <= ShownCharacters ? text : text[..ShownCharacters] + "...")}"),
        };
}
