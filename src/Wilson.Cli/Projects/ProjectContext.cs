using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Cli.Projects;

/// <summary>The Wilson project the CLI was started in: its files, settings, pipelines and open store.</summary>
internal sealed class ProjectContext : IAsyncDisposable
{
    public const string NotAProject = "not a Wilson project (no .wilson/wilson.yaml here or above): run `wilson init`";

    private ProjectContext(ProjectLayout layout, ProjectConfig config, PipelineCatalog pipelines, DatabaseLocation database, IWorkStore store, Project project)
    {
        Layout = layout;
        Config = config;
        Pipelines = pipelines;
        Database = database;
        Store = store;
        Project = project;
    }

    public ProjectLayout Layout { get; }

    public ProjectConfig Config { get; }

    public PipelineCatalog Pipelines { get; }

    public DatabaseLocation Database { get; }

    public IWorkStore Store { get; }

    public Project Project { get; }

    /// <summary>The pipeline new items follow: the one wilson.yaml names.</summary>
    public Pipeline DefaultPipeline => Pipelines.Get(Config.Pipeline);

    /// <summary>
    /// Finds <c>.wilson/wilson.yaml</c> from the working directory upward, reads it and the project's
    /// pipelines, opens the store and registers the project (idempotent, so a fresh shared database gets it too).
    /// </summary>
    public static async Task<ProjectContext> OpenAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var layout = ProjectLayout.FindFrom(cli.Environment.WorkingDirectory) ?? throw new CliException(NotAProject);
        var config = ProjectConfigFile.Parse(layout.ConfigFile, await File.ReadAllTextAsync(layout.ConfigFile, cancellationToken));
        var pipelines = PipelineCatalog.Load(layout.PipelinesDirectory);
        if (pipelines.Find(config.Pipeline) is null)
        {
            throw new CliException($"{layout.ConfigFile}: project.pipeline: {pipelines.DescribeMissing(config.Pipeline)}");
        }

        var database = ProjectDatabase.Resolve(cli.DatabaseOption, cli.Environment, config, layout);
        var store = await ProjectDatabase.OpenAsync(database, new WorkflowStateMachine(pipelines), cli.Time, cancellationToken);
        try
        {
            var registration = new ProjectRegistration(config.Name, layout.Root, config.DefaultBranch, config.Pipeline);
            var project = await store.RegisterProjectAsync(registration, Actor.CurrentUser(), cancellationToken);
            return new ProjectContext(layout, config, pipelines, database, store, project);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads what a person typed as an item key: <c>t-3</c> is <c>T-3</c>.</summary>
    public static string ParseKey(string text)
    {
        var key = text.Trim().ToUpperInvariant();

        // A plan is an item too: PLAN-3 is another name for T-3, as `wilson idea` prints it.
        if (key.StartsWith(PlanPrefix, StringComparison.Ordinal))
        {
            key = "T-" + key[PlanPrefix.Length..];
        }

        return WorkItemRules.IsKey(key) ? key : throw new CliException($"'{text}' is not an item key like T-1 (or PLAN-1 for a plan)");
    }

    public const string PlanPrefix = "PLAN-";

    /// <summary>How a plan item is named to a person: PLAN-3 for T-3.</summary>
    public static string PlanName(string key) => PlanPrefix + key["T-".Length..];

    /// <summary>The item, or a <see cref="CliException"/> naming the project it is not in.</summary>
    public async Task<WorkItem> GetItemAsync(string keyText, CancellationToken cancellationToken)
    {
        var key = ParseKey(keyText);
        return await Store.GetItemAsync(Project.Id, key, cancellationToken)
            ?? throw new CliException($"no item {key} in project {Project.Name}");
    }

    /// <summary>The pipeline <paramref name="name"/>, or a <see cref="CliException"/> with "did you mean" and the list.</summary>
    public Pipeline GetPipeline(string name) =>
        Pipelines.Find(name) ?? throw new CliException(Pipelines.DescribeMissing(name));

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
