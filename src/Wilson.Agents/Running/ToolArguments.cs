using System.Text.Json;
using Wilson.Agents.Workspaces;

namespace Wilson.Agents.Running;

/// <summary>Reading a tool call's arguments, once the loop has checked them against the tool's schema.</summary>
internal static class ToolArguments
{
    public static string Text(JsonElement args, string name) => args.GetProperty(name).GetString()!;

    public static string? Optional(JsonElement args, string name) =>
        args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static int? Integer(JsonElement args, string name) =>
        args.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    /// <summary>A list of strings; empty when absent.</summary>
    public static List<string> Strings(JsonElement args, string name) =>
        args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new ToolException($"{name} must be a list of strings"))]
            : [];
}
