using Npgsql;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Postgres;

/// <summary>
/// One LISTEN connection per store, fanning each notification out to every in-process watcher
/// (paced: this process's own commits are notified too). If the connection drops it reconnects, and
/// wakes watchers once so they read what they missed.
/// </summary>
internal sealed class PostgresEventListener(NpgsqlDataSource dataSource, PacedWake wake, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private Task? _loop;

    /// <summary>Returns once the LISTEN is in place (or the first attempt failed; the loop keeps trying).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null)
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_loop is null)
            {
                var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _loop = Task.Run(() => ListenAsync(listening, _stop.Token), CancellationToken.None);
                await listening.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task ListenAsync(TaskCompletionSource listening, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, _) => wake.Request();
                await using (var command = new NpgsqlCommand($"LISTEN {PostgresWorkStore.Channel}", connection))
                {
                    await command.ExecuteNonQueryAsync(stop);
                }

                listening.TrySetResult();
                wake.Request();
                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                // Watchers fall back on their safety read until the connection is back.
                listening.TrySetResult();
                try
                {
                    await Task.Delay(ReconnectDelay, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _startGate.Dispose();
    }
}
