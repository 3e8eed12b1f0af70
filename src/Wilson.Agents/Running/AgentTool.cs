using System.Text.Json;

namespace Wilson.Agents.Running;

/// <summary>A tool the agent may call: its name, what it does, its arguments' JSON schema, and what running it does.</summary>
public sealed record AgentTool(string Name, string Description, JsonElement Schema, Func<JsonElement, CancellationToken, Task<string>> Run)
{
    /// <summary>A schema of string properties, all required.</summary>
    public static JsonElement Strings(params string[] names) => JsonDocument.Parse(
        $$"""{"type":"object","properties":{{{string.Join(",", names.Select(n => $"\"{n}\":{{\"type\":\"string\"}}"))}}},"required":[{{string.Join(",", names.Select(n => $"\"{n}\""))}}]}""").RootElement;

    /// <summary>An object schema of <paramref name="properties"/> (a JSON object of name: schema) with the <paramref name="required"/> ones.</summary>
    public static JsonElement ObjectSchema(string properties, params string[] required) => JsonDocument.Parse(
        $$"""{"type":"object","properties":{{properties}},"required":[{{string.Join(",", required.Select(r => $"\"{r}\""))}}]}""").RootElement;
}
