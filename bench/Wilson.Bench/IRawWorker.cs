namespace Wilson.Bench;

/// <summary>One worker's access to the bare table: each call is its own committed statement.</summary>
internal interface IRawWorker : IAsyncDisposable
{
    Task InsertAsync(long id, CancellationToken cancellationToken);

    Task CompleteAsync(long id, string owner, CancellationToken cancellationToken);
}
