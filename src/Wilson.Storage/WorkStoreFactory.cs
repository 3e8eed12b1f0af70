using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage.Postgres;
using Wilson.Storage.Sqlite;

namespace Wilson.Storage;

/// <summary>Opens the store a <see cref="DatabaseLocation"/> names, with its migrations applied.</summary>
public static class WorkStoreFactory
{
    /// <summary>The caller disposes the store.</summary>
    /// <summary>The schema version a store opened by this build is migrated to.</summary>
    public static int SchemaVersion(DatabaseKind kind) => Migrations.MigrationSource.For(kind)[^1].Version;

    public static async Task<IWorkStore> OpenAsync(
        DatabaseLocation location, WorkflowStateMachine stateMachine, TimeProvider time, CancellationToken cancellationToken) =>
        location.Kind switch
        {
            DatabaseKind.Sqlite => await SqliteWorkStore.OpenAsync(location.ConnectionString, location.Durability, stateMachine, time, cancellationToken),
            _ => await PostgresWorkStore.OpenAsync(location.ConnectionString, stateMachine, time, cancellationToken),
        };
}
