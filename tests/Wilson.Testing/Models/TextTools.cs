using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Wilson.Testing.Models;

/// <summary>
/// Tools for a model without native tool calls, as Wilson writes them (its <c>TextToolProtocol</c>): the
/// system prompt lists them as <c>- name: description Arguments (JSON schema): {...}</c>, and the model calls
/// one with a fenced block, <c>```json {"tool": "name", "arguments": {...}} ```</c>.
/// </summary>
internal static partial class TextTools
{
    private const string SchemaMarker = " Arguments (JSON schema): ";

    /// <summary>The tools listed in <paramref name="systemPrompt"/>, in order; a schema that cannot be read is null.</summary>
    public static IReadOnlyList<OfferedTool> Listed(string systemPrompt)
    {
        var tools = new List<OfferedTool>();
        var starts = ToolLine().Matches(systemPrompt);
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var end = i + 1 < starts.Count ? starts[i + 1].Index : systemPrompt.Length;
            var rest = systemPrompt[(start.Index + start.Length)..end];
            var marker = rest.IndexOf(SchemaMarker, StringComparison.Ordinal);
            if (marker < 0)
            {
                continue;
            }

            tools.Add(new OfferedTool(start.Groups["name"].Value, rest[..marker].Trim(), Schema(rest[(marker + SchemaMarker.Length)..])));
        }

        return tools;
    }

    /// <summary>The calls written as fenced blocks in <paramref name="text"/>, in order; blocks that are not calls are skipped.</summary>
    public static IReadOnlyList<ConversationToolCall> Calls(string text)
    {
        var calls = new List<ConversationToolCall>();
        foreach (Match block in Fenced().Matches(text))
        {
            try
            {
                using var document = JsonDocument.Parse(block.Groups[1].Value);
                var root = document.RootElement;
                if (HttpJson.String(root, "tool") is { } name)
                {
                    calls.Add(new ConversationToolCall(name, HttpJson.Property(root, "arguments", out var arguments) ? arguments.GetRawText() : "{}"));
                }
            }
            catch (JsonException)
            {
                // A broken block is no call to repeat.
            }
        }

        return calls;
    }

    /// <summary>A call as a fenced block; <paramref name="argumentsJson"/> goes in as it is when it is JSON, else as a string.</summary>
    public static string Block(string name, string argumentsJson) =>
        $"```json\n{BlockJson(name, argumentsJson)}\n```";

    /// <summary>A block whose arguments were cut off (<paramref name="cutArguments"/>), then closed: a block that is not JSON.</summary>
    public static string BrokenBlock(string name, string cutArguments) =>
        $"```json\n{{\"tool\": {Quote(name)}, \"arguments\": {cutArguments}\n```";

    private static string BlockJson(string name, string argumentsJson) =>
        $"{{\"tool\": {Quote(name)}, \"arguments\": {(IsJson(argumentsJson) ? argumentsJson : Quote(argumentsJson))}}}";

    private static string Quote(string text) => JsonSerializer.Serialize(text, HttpJson.Options);

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The JSON value at the start of <paramref name="text"/>, whatever follows it; null when there is none.</summary>
    private static JsonElement? Schema(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var document))
            {
                return null;
            }

            using (document)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^- (?<name>[\w.-]+): ", RegexOptions.Multiline)]
    private static partial Regex ToolLine();

    [GeneratedRegex(@"```(?:json|tool)?\s*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fenced();
}
