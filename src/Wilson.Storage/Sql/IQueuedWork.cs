namespace Wilson.Storage.Sql;

/// <summary>A piece of work waiting in a <see cref="BatchingQueue{TWork}"/>.</summary>
internal interface IQueuedWork
{
    /// <summary>False if its caller cancelled while it was queued: it is left out of the batch.</summary>
    bool TryStart();
}
