using System.Text.Json;

namespace Wilson.Agents.Running;

/// <summary>A tool the agent may call: its name, what it does, its arguments' JSON schema, and what running it does.</summary>
public sealed record AgentTool(string Name, string Description, JsonElement Schema, Func<JsonElement, CancellationToken, Task<string>> Run)
{
    /// <summary>
    /// Why the agent may not use this tool (its role does not hold it); null for a tool it is offered. A
    /// withheld tool is never offered to the model, and a call to it is answered with this reason.
    /// </summary>
    public string? Withheld { get; init; }

    /// <summary>A schema of string properties, all required.</summary>
    public static JsonElement Strings(params string[] names) => JsonDocument.Parse(
        $$"""{"type":"object","properties":{{{string.Join(",", names.Select(n => $"\"{n}\":{{\"type\":\"string\"}}"))}}},"required":[{{string.Join(",", names.Select(n => $"\"{n}\""))}}]}""").RootElement;

    /// <summary>An object schema of <paramref name="properties"/> (a JSON object of name: schema) with the <paramref name="required"/> ones.</summary>
    public static JsonElement ObjectSchema(string properties, params string[] required) => JsonDocument.Parse(
        $$"""{"type":"object","properties":{{properties}},"required":[{{string.Join(",", required.Select(r => $"\"{r}\""))}}]}""").RootElement;
}
