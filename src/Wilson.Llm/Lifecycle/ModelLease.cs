namespace Wilson.Llm.Lifecycle;

/// <summary>
/// A hold on a loaded model: while any lease is open the model stays loaded. Dispose it when the
/// call or the run is over; disposing twice releases once.
/// </summary>
public sealed class ModelLease : IAsyncDisposable
{
    private readonly Action _release;
    private int _released;

    internal ModelLease(ModelSpec model, string purpose, Action release)
    {
        Model = model;
        Purpose = purpose;
        _release = release;
    }

    /// <summary>The model held.</summary>
    public ModelSpec Model { get; }

    /// <summary>What it was acquired for.</summary>
    public string Purpose { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release();
        }

        return ValueTask.CompletedTask;
    }
}
