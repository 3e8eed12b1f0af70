using System.Text.Json;

namespace Wilson.Agents.Running;

/// <summary>A tool the agent may call: its name, what it does, its arguments' JSON schema, and what running it does.</summary>
public sealed record AgentTool(string Name, string Description, JsonElement Schema, Func<JsonElement, CancellationToken, Task<string>> Run)
{
    /// <summary>A schema of string properties, all required.</summary>
    public static JsonElement Strings(params string[] names) => JsonDocument.Parse(
        $$"""{"type":"object","properties":{{{string.Join(",", names.Select(n => $"\"{n}\":{{\"type\":\"string\"}}"))}}},"required":[{{string.Join(",", names.Select(n => $"\"{n}\""))}}]}""").RootElement;
}
