namespace Wilson.Llm;

/// <summary>Where the model layer reports what changed; the host writes these to the event log.</summary>
public interface IModelEventSink
{
    /// <summary>Records <paramref name="modelEvent"/>; must not block or throw.</summary>
    void Publish(ModelEvent modelEvent);
}
