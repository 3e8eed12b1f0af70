namespace Wilson.Storage.Sql;

/// <summary>Named leases: held by one owner until they expire, renewed by that owner, taken over once expired.</summary>
internal abstract partial class SqlWorkStore
{
    public Task<bool> TryAcquireLockAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return RunInWriteTransactionAsync(async (connection, transaction) =>
        {
            // The update happens only for its owner or once it has expired; otherwise no row comes back.
            var holder = await connection.QuerySingleOrNullAsync<string>(
                """
                INSERT INTO locks (name, owner, expires_at) VALUES (@Name, @Owner, @ExpiresAt)
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE locks.owner = excluded.owner OR locks.expires_at < @Now
                RETURNING owner
                """,
                new { Name = name, Owner = owner, ExpiresAt = Now + (long)duration.TotalMilliseconds, Now }, transaction, cancellationToken);
            return holder == owner;
        }, cancellationToken);
    }

    public Task ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken) =>
        RunInWriteTransactionAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM locks WHERE name = @Name AND owner = @Owner", new { Name = name, Owner = owner }, transaction, cancellationToken), cancellationToken);
}
