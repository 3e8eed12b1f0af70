namespace Wilson.Llm;

/// <summary>An event sink for one-shot commands that report their own results (<c>wilson models</c>, <c>wilson doctor</c>).</summary>
public sealed class NoModelEvents : IModelEventSink
{
    public static readonly NoModelEvents Instance = new();

    /// <inheritdoc />
    public void Publish(ModelEvent modelEvent)
    {
        // Nothing to keep: the command prints what it found.
    }
}
