namespace Wilson.Testing.Models;

/// <summary>A tool call the fake model makes.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object (<c>{"path":"a.py"}</c>); Ollama and Anthropic send it as an object, OpenAI as this string.</param>
/// <param name="Id">The call's id; null gives a fresh one per call (<c>call_1</c> for OpenAI, <c>toolu_1</c> for Anthropic; Ollama sends none).</param>
public sealed record ScriptedToolCall(string Name, string ArgumentsJson, string? Id = null);
