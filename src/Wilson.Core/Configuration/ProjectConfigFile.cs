namespace Wilson.Core.Configuration;

/// <summary>Reads and writes <c>.wilson/wilson.yaml</c>; unknown keys are refused with "did you mean".</summary>
public static class ProjectConfigFile
{
    public const string FileName = "wilson.yaml";

    private static readonly string[] RootKeys = ["project", "database", "leases", "models", "commands", "approvals", "roles", "planning"];
    private static readonly string[] ProjectKeys = ["name", "default_branch", "pipeline", "test_command"];
    private static readonly string[] LeaseKeys = ["duration", "max_attempts"];

    /// <summary>Parses the file's text; throws <see cref="ConfigFormatException"/> naming file, line and key.</summary>
    public static ProjectConfig Parse(string file, string text)
    {
        var reader = new StrictYamlReader(file);
        var root = reader.ParseRoot(text);
        reader.RequireKnownKeys(root, "", RootKeys);
        var project = reader.GetMapping(root, "", "project") ?? throw reader.Error(root, "project", "is required (with at least project.name)");
        reader.RequireKnownKeys(project, "project", ProjectKeys);
        var defaults = new ProjectConfig { Name = "" };
        var config = defaults with
        {
            Name = reader.RequireString(project, "project", "name"),
            // Left empty means "the default", as for database: an empty branch or pipeline name only fails later.
            DefaultBranch = reader.GetString(project, "project", "default_branch") is { Length: > 0 } branch ? branch : defaults.DefaultBranch,
            Pipeline = reader.GetString(project, "project", "pipeline") is { Length: > 0 } pipeline ? pipeline : defaults.Pipeline,
            TestCommand = reader.GetString(project, "project", "test_command") ?? defaults.TestCommand,
            Database = reader.GetString(root, "", "database") is { Length: > 0 } database ? database : null,
        };

        if (reader.GetMapping(root, "", "leases") is { } leases)
        {
            reader.RequireKnownKeys(leases, "leases", LeaseKeys);
            var duration = reader.GetDuration(leases, "leases", "duration") ?? config.LeaseDuration;
            if (duration < TimeSpan.FromSeconds(1))
            {
                throw reader.Error(StrictYamlReader.Find(leases, "duration")!, "leases.duration", "must be at least 1s");
            }

            config = config with
            {
                LeaseDuration = duration,
                MaxAttempts = reader.GetInt(leases, "leases", "max_attempts", 1, 100) ?? config.MaxAttempts,
            };
        }

        if (reader.GetMapping(root, "", "models") is { } models)
        {
            config = config with { Models = ModelsConfigParser.Parse(reader, models) };
        }

        if (reader.GetMapping(root, "", "commands") is { } commands)
        {
            config = config with { Commands = CommandsConfigParser.Parse(reader, commands) };
        }

        if (reader.GetMapping(root, "", "approvals") is { } approvals)
        {
            config = config with { Approvals = ApprovalsConfigParser.Parse(reader, approvals) };
        }

        if (reader.GetMapping(root, "", "roles") is { } roles)
        {
            config = config with { Roles = RolesConfigParser.Parse(reader, roles) };
        }

        if (reader.GetMapping(root, "", "planning") is { } planning)
        {
            config = config with { Planning = PlanningConfigParser.Parse(reader, planning) };
        }

        return config;
    }

    /// <summary>The commented file <c>wilson init</c> writes.</summary>
    public static string Template(string name, string defaultBranch, string pipeline) => $"""
        # Wilson settings for this repository. Edit freely; Wilson checks this file at every start
        # and names the line and key of anything it does not understand.

        project:
          # Unique name of the project (several projects may share one PostgreSQL database).
          name: {name}
          # The branch finished work is merged into.
          default_branch: {defaultBranch}
          # The pipeline new items follow: standard, tdd, or the name of a file in .wilson/pipelines/.
          pipeline: {pipeline}
          # The command that runs the project's tests (used by the tester and after each merge).
          test_command: ""

        # Empty: the embedded SQLite database .wilson/wilson.db. For a team, a PostgreSQL connection
        # string; better still, leave this empty and set WILSON_DATABASE so no password sits in the repo.
        database: ""

        leases:
          # How long a worker's claim on an item holds without a heartbeat.
          duration: 5m
          # Runs that may end without a result (a crash) before the item goes to the dead letter.
          max_attempts: 3

        """;
}
