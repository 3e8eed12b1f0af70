using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Wilson.Testing.Models;

/// <summary>
/// Reads a script from YAML by walking the node tree, so that every error names its line and
/// tool-call arguments keep their YAML types (numbers, booleans) when they become JSON.
/// </summary>
internal sealed class FakeModelScriptReader(string source)
{
    private static readonly string[] RootKeys = ["models", "turns"];
    private static readonly string[] ModelKeys = ["name", "size_bytes", "supports_tools", "family", "parameter_size", "context_length"];
    private static readonly string[] TurnKeys = ["model", "when_contains", "text", "tool_calls", "input_tokens", "output_tokens", "once"];
    private static readonly string[] ToolCallKeys = ["name", "arguments", "id"];

    public static FakeModelScript Read(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }

        var script = new FakeModelScript();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return script;
        }

        new FakeModelScriptReader(source).ReadRoot(stream.Documents[0].RootNode, script);
        return script;
    }

    private void ReadRoot(YamlNode node, FakeModelScript script)
    {
        var root = Mapping(node, "the script");
        foreach (var (key, value) in Entries(root, RootKeys, "the script"))
        {
            if (key == "models")
            {
                script.Models.Clear();
                script.Models.AddRange(Sequence(value, "models").Select(ReadModel));
            }
            else
            {
                script.Turns.AddRange(Sequence(value, "turns").Select(ReadTurn));
            }
        }
    }

    private FakeModel ReadModel(YamlNode node)
    {
        var mapping = Mapping(node, "a model");
        var model = new FakeModel(Name: "");
        var named = false;
        foreach (var (key, value) in Entries(mapping, ModelKeys, "a model"))
        {
            model = key switch
            {
                "name" => model with { Name = Value(value, key) },
                "size_bytes" => model with { SizeBytes = Long(value, key) },
                "supports_tools" => model with { SupportsTools = Bool(value, key) },
                "family" => model with { Family = Value(value, key) },
                "parameter_size" => model with { ParameterSize = Value(value, key) },
                _ => model with { ContextLength = Int(value, key) },
            };
            named |= key == "name";
        }

        return named && model.Name.Length > 0 ? model : throw Error(node, "a model needs a name");
    }

    private ScriptedTurn ReadTurn(YamlNode node)
    {
        var mapping = Mapping(node, "a turn");
        var turn = new ScriptedTurn();
        foreach (var (key, value) in Entries(mapping, TurnKeys, "a turn"))
        {
            turn = key switch
            {
                "model" => turn with { Model = Value(value, key) },
                "when_contains" => turn with { WhenContains = Value(value, key) },
                "text" => turn with { Text = Value(value, key) },
                "tool_calls" => turn with { ToolCalls = [.. Sequence(value, key).Select(ReadToolCall)] },
                "input_tokens" => turn with { InputTokens = Int(value, key) },
                "output_tokens" => turn with { OutputTokens = Int(value, key) },
                _ => turn with { Once = Bool(value, key) },
            };
        }

        return turn;
    }

    private ScriptedToolCall ReadToolCall(YamlNode node)
    {
        var mapping = Mapping(node, "a tool call");
        string? name = null;
        string? id = null;
        var arguments = "{}";
        foreach (var (key, value) in Entries(mapping, ToolCallKeys, "a tool call"))
        {
            switch (key)
            {
                case "name":
                    name = Value(value, key);
                    break;
                case "id":
                    id = Value(value, key);
                    break;
                default:
                    arguments = Arguments(value);
                    break;
            }
        }

        return name is { Length: > 0 } ? new ScriptedToolCall(name, arguments, id) : throw Error(node, "a tool call needs a name");
    }

    /// <summary>A mapping is converted to a JSON object; a string is taken as JSON text and must be an object.</summary>
    private string Arguments(YamlNode node)
    {
        if (node is YamlMappingNode)
        {
            return Json(node)!.ToJsonString();
        }

        var text = Value(node, "arguments");
        try
        {
            return JsonNode.Parse(text) is JsonObject ? text : throw Error(node, "arguments must be a mapping or a JSON object");
        }
        catch (JsonException e)
        {
            throw Error(node, $"arguments are not valid JSON: {e.Message}");
        }
    }

    private JsonNode? Json(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(Value(c.Key, "a key"), Json(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Json)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw Error(node, "aliases are not supported in arguments"),
    };

    /// <summary>Plain scalars follow YAML's core schema (null, booleans, numbers); quoted ones are strings.</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    private IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode mapping, string[] allowed, string what)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Value(keyNode, "a key");
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw Error(keyNode, $"unknown key '{key}' in {what}; expected one of: {string.Join(", ", allowed)}");
            }

            yield return (key, value);
        }
    }

    private YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value lines)");

    private IEnumerable<YamlNode> Sequence(YamlNode node, string key) => node switch
    {
        YamlSequenceNode sequence => sequence.Children,
        YamlScalarNode { Value: null or "" } => [],
        _ => throw Error(node, $"{key} must be a list (lines starting with '- ')"),
    };

    private string Value(YamlNode node, string key) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, $"{key} must be a single value");

    private long Long(YamlNode node, string key) =>
        long.TryParse(Value(node, key), NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw Error(node, $"{key} must be a whole number of zero or more");

    private int Int(YamlNode node, string key) =>
        Long(node, key) is var value and <= int.MaxValue ? (int)value : throw Error(node, $"{key} is too large");

    private bool Bool(YamlNode node, string key) => Value(node, key) switch
    {
        "true" or "True" or "TRUE" or "yes" => true,
        "false" or "False" or "FALSE" or "no" => false,
        var other => throw Error(node, $"{key} must be true or false, not '{other}'"),
    };

    private FormatException Error(YamlNode node, string message) => new($"{source}:{node.Start.Line}: {message}");
}
