using System.Globalization;
using System.Text.Json;
using Wilson.Core.Configuration;

namespace Wilson.Agents.Running;

/// <summary>
/// Checks a tool call's arguments against the tool's JSON schema before the tool runs, in the subset of
/// JSON Schema Wilson's tools are written in (type, properties, required, enum, items), and says what is
/// wrong in words a model can act on: the argument's path, what it must be, the allowed values and the
/// closest one. Unknown arguments are refused too: a small model's junk must not pass for a real option.
/// </summary>
internal static class ToolArgumentValidator
{
    private const int MaxProblems = 3;

    /// <summary>What is wrong with <paramref name="arguments"/> (up to three problems, joined); null when nothing.</summary>
    public static string? Problem(JsonElement schema, JsonElement arguments)
    {
        var problems = new List<string>();
        Check(schema, arguments, "", problems);
        return problems.Count == 0 ? null : string.Join("; ", problems.Take(MaxProblems));
    }

    private static void Check(JsonElement schema, JsonElement value, string path, List<string> problems)
    {
        if (problems.Count >= MaxProblems || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var type = schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is not null && !Fits(type, value))
        {
            problems.Add(path.Length == 0
                ? $"the arguments must be a JSON object, not {Kind(value)}"
                : $"argument '{path}' must be {Article(type)} {type}, not {Kind(value)}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
            && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            var names = allowed.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()).ToList();
            var given = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            problems.Add($"argument '{path}' must be one of {string.Join(", ", names)}, not '{given}'{Suggestions.DidYouMean(given, names)}");
            return;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            CheckObject(schema, value, path, problems);
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var element in value.EnumerateArray())
            {
                Check(items, element, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), problems);
            }
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string path, List<string> problems)
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            var missing = required.EnumerateArray().Select(r => r.GetString()!).Where(r => !value.TryGetProperty(r, out _)).Select(r => prefix + r).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"missing argument{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
            }
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var known = properties.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var property in value.EnumerateObject())
        {
            if (!properties.TryGetProperty(property.Name, out var declared))
            {
                problems.Add($"unknown argument '{prefix}{property.Name}'{Suggestions.DidYouMean(property.Name, known)}; arguments: {(known.Count == 0 ? "none" : string.Join(", ", known))}");
                continue;
            }

            Check(declared, property.Value, prefix + property.Name, problems);
        }
    }

    private static bool Fits(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => true,
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when !value.TryGetInt64(out _) => "a number",
        JsonValueKind.Number => "an integer",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "a string",
    };

    private static string Article(string type) => type is "integer" or "array" or "object" ? "an" : "a";
}
