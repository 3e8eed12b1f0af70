namespace Wilson.Bench;

/// <summary>The bare table the raw ceiling is measured on: (id, status, owner), nothing else.</summary>
internal interface IRawQueue : IAsyncDisposable
{
    /// <summary>What a worker uses; the caller disposes it.</summary>
    Task<IRawWorker> OpenWorkerAsync(CancellationToken cancellationToken);
}
