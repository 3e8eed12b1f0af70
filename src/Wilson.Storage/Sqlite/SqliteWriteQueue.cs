using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// The one writer of a SQLite store. Writes queue in order and run one after another on the writer
/// connection; those that queued while a commit was in progress share the next transaction (group
/// commit), each inside its own savepoint, so one that fails is undone alone. A write's task
/// completes only once its transaction has committed.
/// </summary>
/// <remarks>
/// SQLite commits one transaction at a time, and a commit costs the same whether it carries one
/// write or many: the WAL frames of the pages it changed (and at synchronous=FULL an fsync). With
/// several workers, sharing commits is what keeps the writer from being bound by them.
/// </remarks>
internal sealed class SqliteWriteQueue : IAsyncDisposable
{
    // Bounds how long the first write of a transaction waits for the others to run before it commits.
    private const int MaxWritesPerTransaction = 32;
    private const string Savepoint = "wilson_write";

    private readonly SqliteConnection _writer;
    private readonly Action _committed;
    private readonly SqliteCommitJournal _journal;
    private readonly BatchingQueue<PendingWrite> _queue;

    private readonly SqliteStatement _savepoint;
    private readonly SqliteStatement _releaseSavepoint;
    private readonly SqliteStatement _rollbackToSavepoint;

    /// <param name="writer">The connection every write runs on.</param>
    /// <param name="committed">Called on the writer's thread after each commit; must be cheap.</param>
    /// <param name="journal">The events of the transaction being built: kept or undone with the writes that made them.</param>
    public SqliteWriteQueue(SqliteConnection writer, Action committed, SqliteCommitJournal journal)
    {
        _writer = writer;
        _committed = committed;
        _journal = journal;
        _savepoint = SqliteStatement.Prepare(writer, $"SAVEPOINT {Savepoint}");
        _releaseSavepoint = SqliteStatement.Prepare(writer, $"RELEASE {Savepoint}");
        _rollbackToSavepoint = SqliteStatement.Prepare(writer, $"ROLLBACK TO {Savepoint}");
        _queue = new BatchingQueue<PendingWrite>(MaxWritesPerTransaction, RunInOneTransactionAsync, nameof(SqliteWriteQueue));
    }

    /// <summary>Runs <paramref name="write"/> in a write transaction and returns its result once committed.</summary>
    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(write, cancellationToken);
        _queue.Add(pending);
        return pending.Task;
    }

    /// <summary>Lets the queued writes finish, then stops; the caller disposes the connection afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync();
        _savepoint.Dispose();
        _releaseSavepoint.Dispose();
        _rollbackToSavepoint.Dispose();
    }

    private async Task RunInOneTransactionAsync(List<PendingWrite> batch)
    {
        var applied = new List<PendingWrite>(batch.Count);
        try
        {
            // BEGIN IMMEDIATE: take the write lock up front, so a read-then-write never fails half way.
            using var transaction = _writer.BeginTransaction(deferred: false);
            if (batch.Count == 1)
            {
                await batch[0].RunAsync(_writer, transaction);
                applied.Add(batch[0]);
            }
            else
            {
                foreach (var pending in batch)
                {
                    await RunInSavepointAsync(pending, transaction, applied);
                }
            }

            transaction.Commit();
            _journal.Commit();
            _committed();
        }
        catch (Exception ex)
        {
            // Nothing of this transaction was committed: every write still waiting learns why.
            _journal.Discard();
            foreach (var pending in batch)
            {
                pending.Fail(ex);
            }

            return;
        }

        foreach (var pending in applied)
        {
            pending.Complete();
        }
    }

    private async Task RunInSavepointAsync(PendingWrite pending, SqliteTransaction transaction, List<PendingWrite> applied)
    {
        _savepoint.Execute();
        var mark = _journal.Mark;
        try
        {
            await pending.RunAsync(_writer, transaction);
        }
        catch (Exception ex) when (InTransaction())
        {
            // A failed statement leaves the transaction open: undo this write alone, keep the others.
            _rollbackToSavepoint.Execute();
            _journal.RollBackTo(mark);
            _releaseSavepoint.Execute();
            pending.Fail(ex);
            return;
        }

        _releaseSavepoint.Execute();
        applied.Add(pending);
    }

    // Some errors (I/O, a full disk) make SQLite roll the whole transaction back on its own.
    private bool InTransaction() => raw.sqlite3_get_autocommit(_writer.Handle) == 0;

    private abstract class PendingWrite : IQueuedWork
    {
        public abstract bool TryStart();

        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        /// <summary>Hands the caller the result of a committed write.</summary>
        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    // Only a write still in the queue is cancelled; once it runs, the token reaches its statements.
    private sealed class PendingWrite<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) : PendingWrite
    {
        private readonly QueuedCall<T> _call = new(cancellationToken);
        private T _result = default!;

        public Task<T> Task => _call.Task;

        public override bool TryStart() => _call.TryStart();

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
            _result = await write(connection, transaction);

        public override void Complete() => _call.Succeed(_result);

        public override void Fail(Exception exception) => _call.Fail(exception);
    }
}
