using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Llm;
using Wilson.Orchestration.Merging;
using Wilson.Orchestration.Pipelines;
using Wilson.Orchestration.Scheduling;
using Wilson.Orchestration.Workers;
using Wilson.Storage;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>
/// A real project for the orchestrator: a git repository with a tiny shell project, a <c>quick</c>
/// pipeline (develop, review, done), a SQLite store, and agents on the fake model server, run by the
/// real stage runner.
/// </summary>
internal sealed class OrchestratorFixture : IAsyncDisposable
{
    /// <summary>The model escalated work goes to: on an endpoint marked cloud, so complex work prefers it.</summary>
    public const string StrongModel = "strong-model";

    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _directory = new("wilson-orchestrator");

    private OrchestratorFixture(FakeModelServer server) => Server = server;

    public FakeModelServer Server { get; }

    public IWorkStore Store { get; private set; } = null!;

    public Project Project { get; private set; } = null!;

    public PipelineCatalog Pipelines { get; private set; } = null!;

    public ProjectWorkspace Workspace { get; private set; } = null!;

    public ModelServices Models { get; private set; } = null!;

    public string Root => _directory.Path;

    public static async Task<OrchestratorFixture> StartAsync(IEnumerable<ScriptedTurn> turns)
    {
        var script = new FakeModelScript();
        script.Models.Add(new FakeModel(StrongModel, 1L << 30));
        script.Turns.AddRange(turns);
        var fixture = new OrchestratorFixture(await FakeModelServer.StartAsync(script));
        await fixture.SetUpAsync();
        return fixture;
    }

    private async Task SetUpAsync()
    {
        var environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);
        environment["GIT_AUTHOR_NAME"] = environment["GIT_COMMITTER_NAME"] = "Test";
        environment["GIT_AUTHOR_EMAIL"] = environment["GIT_COMMITTER_EMAIL"] = "test@localhost";
        environment["GIT_CEILING_DIRECTORIES"] = Path.GetTempPath().TrimEnd('/');

        File.WriteAllText(_directory.Combine("app.sh"), "greet() { echo hello; }\n");
        File.WriteAllText(_directory.Combine("test.sh"), ". ./app.sh\n[ \"$(greet)\" = hello ]\n");
        File.WriteAllText(_directory.Combine(".gitignore"), ".wilson/\n");
        var git = new Wilson.Agents.Git.GitProcess(environment);
        await git.RunAsync(Root, ["init", "--quiet", "--initial-branch=main"], Ct);
        await git.RunAsync(Root, ["add", "--all"], Ct);
        await git.RunAsync(Root, ["commit", "--quiet", "-m", "a tiny shell project"], Ct);

        Directory.CreateDirectory(_directory.Combine(".wilson", "pipelines"));
        File.WriteAllText(_directory.Combine(".wilson", "pipelines", "quick.yaml"), """
            name: quick
            stages:
              - name: develop
                role: developer
                on_fail: develop
              - name: review
                role: reviewer
                on_fail: develop
                mechanical: true
              - name: done
            """);
        Pipelines = PipelineCatalog.Load(_directory.Combine(".wilson", "pipelines"));
        var config = ProjectConfigFile.Parse("wilson.yaml", $"""
            project:
              name: greeter
              default_branch: main
              pipeline: quick
              test_command: sh test.sh
            models:
              endpoints:
                local:
                  protocol: ollama
                  url: {Server.BaseUri}
                remote:
                  protocol: ollama
                  url: {Server.BaseUri}
                  cloud: true
              models:
                {FakeModelScript.DefaultModelName}:
                  endpoint: local
                {StrongModel}:
                  endpoint: remote
              purposes:
                plan: {FakeModelScript.DefaultModelName}
                code: [{FakeModelScript.DefaultModelName}, {StrongModel}]
                test: {FakeModelScript.DefaultModelName}
                review: {FakeModelScript.DefaultModelName}
            """);
        Store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(_directory.Combine(".wilson", "wilson.db")), new WorkflowStateMachine(Pipelines), TimeProvider.System, Ct);
        Project = await Store.RegisterProjectAsync(new ProjectRegistration("greeter", Root, "main", "quick"), Actor.System, Ct);
        Workspace = new ProjectWorkspace(Project, Root, config, environment, TimeProvider.System);
        var catalog = ModelCatalog.From(config.Models, _ => null);
        Models = new ModelServices(catalog, Store, NoModelEvents.Instance, TimeProvider.System, _ => null);
        Runner = new AgentStageRunner(Store, Workspace, Models, catalog, pipelines: Pipelines);
        (_config, _environment, _catalog) = (config, environment, catalog);
    }

    private ProjectConfig _config = null!;
    private Dictionary<string, string> _environment = null!;
    private ModelCatalog _catalog = null!;

    /// <summary>A second project in the same store, with a repository of its own: what its own orchestrator runs.</summary>
    public async Task<(Project Project, AgentStageRunner Runner)> AddProjectAsync(string name)
    {
        var root = _directory.Combine(name);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, ".gitignore"), ".wilson/\n");
        File.WriteAllText(Path.Combine(root, "test.sh"), "true\n");
        var git = new Wilson.Agents.Git.GitProcess(_environment);
        await git.RunAsync(root, ["init", "--quiet", "--initial-branch=main"], Ct);
        await git.RunAsync(root, ["add", "--all"], Ct);
        await git.RunAsync(root, ["commit", "--quiet", "-m", "another project"], Ct);
        var project = await Store.RegisterProjectAsync(new ProjectRegistration(name, root, "main", "quick"), Actor.System, Ct);
        var workspace = new ProjectWorkspace(project, root, _config with { Name = name }, _environment, TimeProvider.System);
        return (project, new AgentStageRunner(Store, workspace, Models, _catalog, pipelines: Pipelines));
    }

    public AgentStageRunner Runner { get; private set; } = null!;

    public Orchestrator Orchestrator(OrchestratorOptions? options = null, bool merging = false) =>
        new(Store, Project, Pipelines, Runner, options ?? Options, TimeProvider.System, merges: merging ? Merges : null);

    /// <summary>The project's merge queue (one per fixture: it remembers what it rated).</summary>
    public MergeQueue Merges => _merges ??= new MergeQueue(Store, Workspace, Pipelines);

    private MergeQueue? _merges;

    public async Task<string> GitAsync(params string[] arguments) => (await Workspace.Git.RunAsync(Root, arguments, Ct)).StandardOutput;

    public static OrchestratorOptions Options => new()
    {
        Workers = 2,
        SafetyInterval = TimeSpan.FromHours(1),
        Retry = new RetryPolicy { FirstBackoff = TimeSpan.FromMilliseconds(300) },
    };

    /// <summary>Runs the orchestrator until <paramref name="condition"/> holds (or it stops by itself, which fails), then stops it.</summary>
    public async Task RunUntilAsync(Func<Task<bool>> condition, string what, OrchestratorOptions? options = null, bool merging = false)
    {
        using var stop = new CancellationTokenSource();
        var running = Orchestrator(options, merging).RunAsync(stop.Token);
        try
        {
            await Eventually.TrueAsync(async () => running.IsCompleted || await condition(), what, TimeSpan.FromSeconds(30));
            Assert.False(running.IsFaulted, running.Exception?.ToString());
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    public async Task<bool> IsAsync(string key, WorkStatus status, string? stage = null) =>
        await ItemAsync(key) is { } item && item.Status == status && (stage is null || item.Stage == stage);

    public async Task<List<Wilson.Core.Events.WorkEvent>> EventsAsync(string key) =>
        [.. await Store.ReadEventsAsync(new Wilson.Core.Events.EventQuery { ProjectId = Project.Id, ItemKey = key, Limit = 10_000 }, Ct)];

    public Task<WorkItem> AddAsync(string title, params string[] dependsOn) => AddToAsync("quick", title, dependsOn);

    public async Task<WorkItem> AddToAsync(string pipeline, string title, params string[] dependsOn)
    {
        var result = await Store.AddItemAsync(Project.Id, new NewWorkItem
        {
            Title = title, AcceptanceCriteria = [$"{title} works"], Dependencies = dependsOn, Pipeline = pipeline,
        }, Actor.Person("ada"), Ct);
        return result.Item ?? throw new InvalidOperationException(result.Error);
    }

    public async Task<WorkItem> ItemAsync(string key) => (await Store.GetItemAsync(Project.Id, key, Ct))!;

    public async ValueTask DisposeAsync()
    {
        await Models.DisposeAsync();
        await Store.DisposeAsync();
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
