using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Wilson.Agents.Running;

/// <summary>
/// Tool calls for models without native tool calling: the model writes each call as a fenced JSON
/// block, <c>{"tool": "name", "arguments": {...}}</c> (or its whole answer is one such object), and gets the
/// results back as a message. A block that cannot be read is answered with what was wrong, like a bad native
/// call. Where the server constrains output to a JSON schema, <see cref="CallSchema"/> makes every answer one call.
/// </summary>
internal static partial class TextToolProtocol
{
    /// <summary>What the system prompt adds: how to call, and the tools with their arguments.</summary>
    /// <param name="tools">The tools offered.</param>
    /// <param name="constrained">True when every answer is one JSON call (the server enforces <see cref="CallSchema"/>).</param>
    public static string Instructions(IEnumerable<AgentTool> tools, bool constrained = false)
    {
        var text = new StringBuilder(constrained
            ? """

            ## Calling tools
            Every answer of yours is exactly one tool call, as one JSON object, for example:
            {"tool": "read_file", "arguments": {"path": "README.md"}}
            The result comes back in the next message. Call finish when you are done. The tools:
            """
            : """

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

    /// <summary>
    /// The JSON schema of one call to any of <paramref name="tools"/>: the tool's name and arguments that match its
    /// own schema. A server that constrains its output to it (llama.cpp's and Ollama's grammars) emits only calls that parse.
    /// </summary>
    public static JsonElement CallSchema(IEnumerable<AgentTool> tools)
    {
        var choices = new JsonArray();
        foreach (var tool in tools)
        {
            choices.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["tool"] = new JsonObject { ["type"] = "string", ["const"] = tool.Name },
                    ["arguments"] = JsonNode.Parse(tool.Schema.GetRawText()),
                },
                ["required"] = new JsonArray("tool", "arguments"),
            });
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["anyOf"] = choices });
    }

    /// <summary>The calls in a reply, in order; a block that is not a call becomes a problem to answer. A reply that is one bare JSON object is one call.</summary>
    public static List<(string? Name, JsonElement Arguments, string? Problem)> Calls(string reply)
    {
        var calls = new List<(string?, JsonElement, string?)>();
        var blocks = Fenced().Matches(reply).Select(m => m.Groups[1].Value).ToList();
        if (blocks.Count == 0 && reply.TrimStart().StartsWith('{'))
        {
            blocks.Add(reply);
        }

        foreach (var block in blocks)
        {
            var json = block.Trim();
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
