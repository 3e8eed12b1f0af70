namespace Wilson.Agents.Commands;

/// <summary>Something a running command did: output (as text), or a warning about it.</summary>
public sealed record CommandEvent(CommandEventKind Kind, string Text);

public enum CommandEventKind
{
    Output,
    Warning,
}
