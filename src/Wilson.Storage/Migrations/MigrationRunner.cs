using System.Data.Common;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Migrations;

/// <summary>
/// Applies the migrations a database lacks, in one transaction, recording each in
/// <c>schema_migrations</c>. Callers hold the database's write lock while it runs, so two
/// processes starting at once do not both apply a migration.
/// </summary>
internal static class MigrationRunner
{
    /// <summary>Applies what is missing; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(
        DbConnection connection, DbTransaction transaction, DatabaseKind kind, long now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            null, transaction, cancellationToken);
        var applied = (await connection.QueryListAsync<int>("SELECT version FROM schema_migrations", null, transaction, cancellationToken)).ToHashSet();
        var known = MigrationSource.For(kind);
        if (applied.Count > 0 && applied.Max() > known[^1].Version)
        {
            throw new InvalidOperationException(
                $"the database has schema version {applied.Max()}, newer than this Wilson knows ({known[^1].Version}): upgrade Wilson");
        }

        var done = new List<int>();
        foreach (var migration in known.Where(m => !applied.Contains(m.Version)))
        {
            await connection.ExecuteAsync(migration.Sql, null, transaction, cancellationToken);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @Now)",
                new { migration.Version, migration.Name, Now = now }, transaction, cancellationToken);
            done.Add(migration.Version);
        }

        return done;
    }
}
