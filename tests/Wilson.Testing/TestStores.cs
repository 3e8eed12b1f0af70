using Wilson.Core.Pipelines;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Testing;

/// <summary>Real stores on fresh databases for tests and benchmarks.</summary>
public static class TestStores
{
    public static readonly WorkflowStateMachine StateMachine = new(PipelineCatalog.BuiltIn());

    /// <summary>A fresh SQLite database file under <paramref name="directory"/>.</summary>
    public static DatabaseLocation NewSqlite(string directory, SqliteDurability durability = SqliteDurability.Normal) =>
        DatabaseLocation.Sqlite(System.IO.Path.Combine(directory, $"wilson-{Guid.NewGuid():N}.db"), durability);

    /// <summary>A fresh, empty PostgreSQL database on the shared test server.</summary>
    public static async Task<DatabaseLocation> NewPostgresAsync(string prefix, CancellationToken cancellationToken)
    {
        var server = await PostgresServer.GetAsync();
        return DatabaseLocation.Postgres(await server.CreateDatabaseAsync(prefix, cancellationToken));
    }

    public static Task<IWorkStore> OpenAsync(DatabaseLocation location, TimeProvider time, CancellationToken cancellationToken) =>
        WorkStoreFactory.OpenAsync(location, StateMachine, time, cancellationToken);

    public static Task<Project> RegisterAsync(IWorkStore store, string name, CancellationToken cancellationToken) =>
        store.RegisterProjectAsync(new ProjectRegistration(name, "/tmp/" + name, "main", "standard"), Actor.System, cancellationToken);
}
