using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>
/// JSON values made up from a JSON schema: <c>type</c> (or a list of types), <c>properties</c> and
/// <c>required</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c>, and,
/// when strict, <c>minimum</c>/<c>maximum</c> and <c>minItems</c>/<c>maxItems</c>. A missing or unreadable
/// schema is a string, or an object when it has <c>properties</c>.
/// </summary>
internal sealed class SchemaJunk(Random random, JunkPool pool)
{
    private const int MaxDepth = 6;

    /// <summary>
    /// A value for <paramref name="schema"/>: required properties always, optional ones half the time. Strict is
    /// what constrained decoding produces (always valid); otherwise an enum is sometimes off its list and numbers
    /// ignore their bounds.
    /// </summary>
    public JsonNode? Fill(JsonElement? schema, bool strict) => Value(schema, null, strict, 0);

    /// <summary>An object with the required properties of <paramref name="schema"/> only, filled with junk.</summary>
    public JsonObject RequiredOnly(JsonElement? schema)
    {
        var arguments = new JsonObject();
        if (schema is { } s)
        {
            foreach (var (name, property) in Properties(s).Where(p => Required(s).Contains(p.Name)))
            {
                arguments[name] = Value(property, name, strict: false, 1);
            }
        }

        return arguments;
    }

    /// <summary>
    /// An object whose properties (the required ones, and optional ones half the time; at least one) have a value of
    /// another type than their schema's: a number for a string, a string for an array or a number, and so on.
    /// </summary>
    public JsonObject WrongTypes(JsonElement schema)
    {
        var properties = Properties(schema);
        var required = Required(schema);
        var chosen = properties.Where(p => required.Contains(p.Name) || random.Next(2) == 0).ToList();
        if (chosen.Count == 0 && properties.Count > 0)
        {
            chosen.Add(properties[random.Next(properties.Count)]);
        }

        var arguments = new JsonObject();
        foreach (var (name, property) in chosen)
        {
            arguments[name] = WrongValue(property);
        }

        return arguments;
    }

    /// <summary>The properties a schema declares, in its order.</summary>
    public static IReadOnlyList<(string Name, JsonElement Schema)> Properties(JsonElement schema) =>
        HttpJson.Property(schema, "properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? [.. properties.EnumerateObject().Select(p => (p.Name, p.Value))]
            : [];

    private static HashSet<string> Required(JsonElement schema) =>
        [.. HttpJson.Array(schema, "required").Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)];

    private JsonNode? Value(JsonElement? maybeSchema, string? name, bool strict, int depth)
    {
        if (maybeSchema is not { ValueKind: JsonValueKind.Object } schema)
        {
            return pool.String(name);
        }

        if (HttpJson.Property(schema, "const", out var constant))
        {
            return JsonNode.Parse(constant.GetRawText());
        }

        if (HttpJson.Property(schema, "enum", out var options) && options.ValueKind == JsonValueKind.Array && options.GetArrayLength() > 0)
        {
            return strict || random.Next(100) < 85
                ? JsonNode.Parse(options[random.Next(options.GetArrayLength())].GetRawText())
                : JsonValue.Create(random.Next(2) == 0 ? "maybe" : "other");
        }

        foreach (var combinator in new[] { "anyOf", "oneOf", "allOf" })
        {
            var branches = HttpJson.Array(schema, combinator).ToList();
            if (branches.Count > 0)
            {
                return Value(combinator == "allOf" ? branches[0] : branches[random.Next(branches.Count)], name, strict, depth);
            }
        }

        return Type(schema) switch
        {
            "object" => Object(schema, strict, depth),
            "array" => Array(schema, name, strict, depth),
            "integer" => JsonValue.Create(Integer(schema, strict)),
            "number" => JsonValue.Create(Integer(schema, strict) + (random.Next(2) == 0 ? 0.5 : 0)),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "null" => null,
            _ => String(schema, name, strict),
        };
    }

    private JsonObject Object(JsonElement schema, bool strict, int depth)
    {
        var result = new JsonObject();
        if (depth >= MaxDepth)
        {
            return result;
        }

        var required = Required(schema);
        foreach (var (name, property) in Properties(schema))
        {
            if (required.Contains(name) || random.Next(2) == 0)
            {
                result[name] = Value(property, name, strict, depth + 1);
            }
        }

        return result;
    }

    private JsonArray Array(JsonElement schema, string? name, bool strict, int depth)
    {
        var result = new JsonArray();
        if (depth >= MaxDepth)
        {
            return result;
        }

        var count = random.Next(0, 4);
        if (strict)
        {
            var min = HttpJson.Int(schema, "minItems") ?? 0;
            count = Math.Clamp(count, min, Math.Max(min, HttpJson.Int(schema, "maxItems") ?? int.MaxValue));
        }

        JsonElement? items = HttpJson.Property(schema, "items", out var i) ? i : null;
        for (var n = 0; n < count; n++)
        {
            result.Add(Value(items, name, strict, depth + 1));
        }

        return result;
    }

    private string String(JsonElement schema, string? name, bool strict)
    {
        var text = pool.String(name);
        return strict && HttpJson.Int(schema, "minLength") is { } min && text.Length < min ? text.PadRight(min, 'x') : text;
    }

    private long Integer(JsonElement schema, bool strict)
    {
        if (!strict)
        {
            return pool.Integer();
        }

        var min = HttpJson.Int(schema, "minimum") ?? 0;
        var max = Math.Max(min, HttpJson.Int(schema, "maximum") ?? min + 100);
        return random.NextInt64(min, (long)max + 1);
    }

    /// <summary>The schema's type: its <c>type</c> (one of a list, null seldom), else guessed from what it has.</summary>
    private string Type(JsonElement schema)
    {
        if (HttpJson.Property(schema, "type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                return type.GetString()!;
            }

            var types = type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
                : [];
            var notNull = types.Where(t => t != "null").ToList();
            if (notNull.Count > 0 && (notNull.Count == types.Count || random.Next(5) > 0))
            {
                return notNull[random.Next(notNull.Count)];
            }

            if (types.Count > 0)
            {
                return "null";
            }
        }

        return HttpJson.Property(schema, "properties", out _) ? "object"
            : HttpJson.Property(schema, "items", out _) ? "array"
            : "string";
    }

    private JsonNode? WrongValue(JsonElement schema)
    {
        if (HttpJson.Property(schema, "enum", out _))
        {
            return JsonValue.Create(7);
        }

        return Type(schema) switch
        {
            "string" => random.Next(2) == 0 ? JsonValue.Create(42) : JsonValue.Create(true),
            "integer" or "number" => JsonValue.Create(random.Next(2) == 0 ? "ten" : "12"),
            "boolean" => JsonValue.Create("yes"),
            "array" => JsonValue.Create(pool.Word()),
            "object" => random.Next(2) == 0 ? JsonValue.Create("{}") : new JsonArray(),
            _ => JsonValue.Create(7),
        };
    }
}
