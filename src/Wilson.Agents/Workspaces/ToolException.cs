namespace Wilson.Agents.Workspaces;

/// <summary>A tool call that cannot be done as asked; the message goes back to the model, so it says what to do instead.</summary>
public sealed class ToolException : Exception
{
    public ToolException(string message)
        : base(message)
    {
    }

    public ToolException()
        : this("the tool call cannot be done")
    {
    }

    public ToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
