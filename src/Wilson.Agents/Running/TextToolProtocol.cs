using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Wilson.Agents.Running;

/// <summary>
/// Tool calls for models without native tool calling: the model writes each call as a fenced JSON
/// block, <c>{"tool": "name", "arguments": {...}}</c>, and gets the results back as a message. A block
/// that cannot be read is answered with what was wrong, like a bad native call.
/// </summary>
internal static partial class TextToolProtocol
{
    /// <summary>What the system prompt adds: how to call, and the tools with their arguments.</summary>
    public static string Instructions(IEnumerable<AgentTool> tools)
    {
        var text = new StringBuilder("""

            ## Calling tools
            You call a tool by writing a fenced JSON block, one block per call, for example:
            ```json
            {"tool": "read_file", "arguments": {"path": "README.md"}}
            ```
            The results come back in the next message. Call finish when you are done. The tools:
            """);
        foreach (var tool in tools)
        {
            text.Append(CultureInfoless($"\n- {tool.Name}: {tool.Description} Arguments (JSON schema): {tool.Schema.GetRawText()}"));
        }

        return text.ToString();
    }

    /// <summary>The calls in a reply, in order; a block that is not a call becomes a problem to answer.</summary>
    public static List<(string? Name, JsonElement Arguments, string? Problem)> Calls(string reply)
    {
        var calls = new List<(string?, JsonElement, string?)>();
        foreach (Match block in Fenced().Matches(reply))
        {
            var json = block.Groups[1].Value.Trim();
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tool", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    calls.Add((null, default, "a tool call block needs \"tool\" (the tool's name) and \"arguments\" (an object)"));
                    continue;
                }

                var arguments = root.TryGetProperty("arguments", out var args) ? args.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
                calls.Add((name.GetString(), arguments, null));
            }
            catch (JsonException ex)
            {
                calls.Add((null, default, $"a tool call block is not valid JSON ({ex.Message})"));
            }
        }

        return calls;
    }

    private static string CultureInfoless(FormattableString text) => FormattableString.Invariant(text);

    [GeneratedRegex(@"```(?:json|tool)?\s*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fenced();
}
