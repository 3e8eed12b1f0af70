using System.Data.Common;
using Npgsql;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Postgres;

/// <summary>
/// Runs the hot-path statements of this process (claims and completions, each one statement that also
/// writes its event) so that those queued together reach the server as one batch: one round trip, one
/// implicit transaction, one commit. Every event takes the next number from the one-row counter
/// <c>event_head</c>, whose lock is held until commit (including the WAL flush); statements committed
/// one by one therefore wait for each other's flushes, while a batch pays one flush for all of them.
/// </summary>
/// <remarks>
/// If any statement of a batch fails, the server rolls the whole batch back; each statement then runs
/// again alone, so only the one that fails reports its error. Statements of a batch must never wait
/// for a row lock after the first has taken <c>event_head</c> (a transaction holding that row and
/// waiting for the counter would deadlock with the batch): they take their rows with
/// <c>SKIP LOCKED</c> and report "not written" instead of waiting.
/// <para>
/// With <c>batchesAtOnce</c> above one, the next batch is sent while the last still runs. On a data
/// source of one multiplexed connection (what <see cref="PostgresWorkStore"/> gives it) the server
/// then runs them back to back on one backend, never idle while the client reads a batch's results
/// and the callers queue the next, and never two batches waiting for each other's <c>event_head</c>
/// lock (ADR 0003).
/// </para>
/// </remarks>
internal sealed class PostgresStatementBatcher : IAsyncDisposable
{
    // Bounds a batch's size, so one slow batch does not hold every caller of a busy process.
    private const int MaxStatementsPerBatch = 32;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _closingSql;
    private readonly Action _committed;
    private readonly BatchingQueue<PendingStatement> _queue;

    /// <param name="dataSource">Where the batches run (a pooled connection per batch).</param>
    /// <param name="closingSql">A statement that ends every batch, in its transaction (the one NOTIFY for all its events).</param>
    /// <param name="committed">Called after each committed batch; must be cheap.</param>
    /// <param name="batchesAtOnce">How many batches may be in flight at the same time.</param>
    public PostgresStatementBatcher(NpgsqlDataSource dataSource, string closingSql, Action committed, int batchesAtOnce)
    {
        _dataSource = dataSource;
        _closingSql = closingSql;
        _committed = committed;
        _queue = new BatchingQueue<PendingStatement>(MaxStatementsPerBatch, RunBatchOrEachAsync, nameof(PostgresStatementBatcher), batchesAtOnce);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (one statement returning at most one row) with the parameters
    /// <paramref name="bind"/> adds; returns <paramref name="read"/> of its row, or <paramref name="noRow"/>,
    /// once committed. A statement still queued when <paramref name="cancellationToken"/> fires never runs.
    /// </summary>
    public Task<T> RunAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<DbDataReader, T> read, T noRow, CancellationToken cancellationToken)
    {
        var pending = new PendingStatement<T>(sql, bind, read, noRow, cancellationToken);
        _queue.Add(pending);
        return pending.Task;
    }

    /// <summary>Lets the queued statements finish, then stops.</summary>
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private async Task RunBatchOrEachAsync(List<PendingStatement> batch)
    {
        try
        {
            await RunCommittedAsync(batch);
            return;
        }
        catch (Exception ex) when (batch.Count == 1)
        {
            batch[0].Fail(ex);
            return;
        }
        catch (Exception)
        {
            // Nothing of the batch was committed: each statement runs again alone, and learns its own fate.
        }

        foreach (var pending in batch)
        {
            try
            {
                await RunCommittedAsync([pending]);
            }
            catch (Exception ex)
            {
                pending.Fail(ex);
            }
        }
    }

    private async Task RunCommittedAsync(IReadOnlyList<PendingStatement> statements)
    {
        // Once sent, a batch runs to its end: the callers' tokens only stop statements still queued.
        await using (var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None))
        await using (var command = connection.CreateBatch())
        {
            foreach (var pending in statements)
            {
                command.BatchCommands.Add(pending.ToCommand());
            }

            command.BatchCommands.Add(new NpgsqlBatchCommand(_closingSql));

            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            for (var i = 0; i < statements.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync(CancellationToken.None))
                {
                    throw new InvalidOperationException("a statement of the batch returned no result");
                }

                await statements[i].ReadAsync(reader);
            }
        }

        // The reader has been read to the end of the batch (the closing statement's result with it),
        // so the batch's implicit transaction has committed.
        _committed();
        foreach (var pending in statements)
        {
            pending.Complete();
        }
    }

    private abstract class PendingStatement : IQueuedWork
    {
        public abstract bool TryStart();

        public abstract NpgsqlBatchCommand ToCommand();

        /// <summary>Reads this statement's result, the reader being on it.</summary>
        public abstract Task ReadAsync(DbDataReader reader);

        /// <summary>Hands the caller the result read, now committed.</summary>
        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingStatement<T>(
        string sql, Action<NpgsqlParameterCollection> bind, Func<DbDataReader, T> read, T noRow, CancellationToken cancellationToken) : PendingStatement
    {
        private readonly QueuedCall<T> _call = new(cancellationToken);
        private T _result = default!;

        public Task<T> Task => _call.Task;

        public override bool TryStart() => _call.TryStart();

        public override NpgsqlBatchCommand ToCommand()
        {
            var command = new NpgsqlBatchCommand(sql);
            bind(command.Parameters);
            return command;
        }

        public override async Task ReadAsync(DbDataReader reader) =>
            _result = await reader.ReadAsync(CancellationToken.None) ? read(reader) : noRow;

        public override void Complete() => _call.Succeed(_result);

        public override void Fail(Exception exception) => _call.Fail(exception);
    }
}
