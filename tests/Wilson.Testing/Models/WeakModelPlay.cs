using System.Text;

namespace Wilson.Testing.Models;

/// <summary>What a <see cref="WeakModel"/> played for one request, as <see cref="FakeModelServer.WeakModelLog"/> keeps it.</summary>
/// <param name="Behaviour">The behaviour played (not the one drawn when that did not apply).</param>
/// <param name="Tool">The tool called; null when the answer calls none.</param>
/// <param name="Arguments">The arguments as the model wrote them (before any string encoding; cut for <see cref="WeakBehaviour.BrokenJson"/>); null when no tool is called.</param>
/// <param name="InText">True when the call was written as a fenced block in the text (the request offered no native tools).</param>
public sealed record WeakModelPlay(WeakBehaviour Behaviour, string? Tool, string? Arguments, bool InText)
{
    /// <summary>The behaviour in snake case: <c>call_random_tool</c>, <c>endless_text</c>.</summary>
    public string Name
    {
        get
        {
            var name = new StringBuilder();
            foreach (var c in Behaviour.ToString())
            {
                if (char.IsUpper(c) && name.Length > 0)
                {
                    name.Append('_');
                }

                name.Append(char.ToLowerInvariant(c));
            }

            return name.ToString();
        }
    }

    /// <summary>One line for a failing test's output: <c>call_random_tool read_file {"path":"a.txt"}</c>.</summary>
    public override string ToString() =>
        Tool is null ? Name : $"{Name}{(InText ? " (text)" : "")} {Tool} {Arguments}";
}
