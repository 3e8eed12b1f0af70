using System.Data.Common;
using Wilson.Core.Configuration;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Cli.Projects;

/// <summary>Chooses the project's database and opens its store, turning a database that cannot be reached into one clear line.</summary>
internal static class ProjectDatabase
{
    private const string SqlitePrefix = "sqlite:";

    /// <summary>
    /// The first of: <c>--db</c>, <c>$WILSON_DATABASE</c>, wilson.yaml's <c>database</c>, the SQLite file
    /// <c>.wilson/wilson.db</c>. A relative <c>sqlite:PATH</c> is taken from the working directory (from the
    /// project root when it comes from wilson.yaml).
    /// </summary>
    public static DatabaseLocation Resolve(string? option, CliEnvironment environment, ProjectConfig? config, ProjectLayout layout)
    {
        var (value, source, baseDirectory) =
            !string.IsNullOrWhiteSpace(option) ? (option, "--db", environment.WorkingDirectory)
            : environment.Variable(GlobalOptions.DatabaseVariable) is { } variable ? (variable, GlobalOptions.DatabaseVariable, environment.WorkingDirectory)
            : config?.Database is { } configured ? (configured, $"{layout.ConfigFile}: database", layout.Root)
            : ((string?)null, "", layout.Root);

        if (value is not null && value.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var path = value[SqlitePrefix.Length..];
            if (path.Length == 0)
            {
                throw new CliException($"{source}: 'sqlite:' needs a path, e.g. sqlite:.wilson/wilson.db");
            }

            value = SqlitePrefix + Path.GetFullPath(path, baseDirectory);
        }

        try
        {
            return DatabaseLocation.Resolve(value, layout.DefaultDatabase);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"{source}: {ErrorText.Of(ex)}");
        }
    }

    /// <summary>Opens the store (migrations run); a database that cannot be opened becomes a <see cref="CliException"/>.</summary>
    public static async Task<IWorkStore> OpenAsync(
        DatabaseLocation location, WorkflowStateMachine stateMachine, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await WorkStoreFactory.OpenAsync(location, stateMachine, time, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            throw new CliException($"cannot open the database {location.Describe()}: {ErrorText.Of(ex)}");
        }
    }
}
