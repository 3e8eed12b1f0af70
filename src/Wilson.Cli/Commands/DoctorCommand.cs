using System.CommandLine;
using Spectre.Console;
using Wilson.Agents.Git;
using Wilson.Cli.Projects;
using Wilson.Core.Configuration;
using Wilson.Core.Pipelines;
using Wilson.Core.Workflow;
using Wilson.Llm;
using Wilson.Llm.Registry;
using Wilson.Storage;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson doctor</c>: checks what Wilson needs (git, the settings, the database, each model endpoint,
/// each model, each key, disk space, and a llama.cpp server's context and slots) and says how to fix what is
/// missing; exit 1 when a required check fails.
/// </summary>
internal static class DoctorCommand
{
    private const long LowDisk = 1L << 30;

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var command = new Command("doctor", "Check git, the settings, the database, the model endpoints, models and keys, and say how to fix what is missing");
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            var checks = await RunChecksAsync(cli, cancellationToken);
            var healthy = checks.All(c => c.Result != DoctorCheck.Failed || !c.Required);
            if (cli.Json)
            {
                cli.Output.WriteJson(new { healthy, checks });
            }
            else
            {
                Write(cli.Output.Console, checks, healthy);
            }

            return healthy ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<List<DoctorCheck>> RunChecksAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck> { DoctorCheck.Pass(".NET", $".NET {Environment.Version}") };
        checks.Add(await GitAsync(cli, cancellationToken));

        var layout = ProjectLayout.FindFrom(cli.Environment.WorkingDirectory);
        checks.Add(Disk(layout?.Root ?? cli.Environment.WorkingDirectory));
        if (layout is null)
        {
            checks.Add(DoctorCheck.Fail("settings", "not a Wilson project (no .wilson/wilson.yaml here or above)", "run `wilson init` in the repository"));
            return checks;
        }

        ProjectConfig config;
        try
        {
            config = ProjectConfigFile.Parse(layout.ConfigFile, await File.ReadAllTextAsync(layout.ConfigFile, cancellationToken));
            checks.Add(DoctorCheck.Pass("settings", $"{layout.Relative(layout.ConfigFile)} is valid"));
        }
        catch (ConfigFormatException ex)
        {
            checks.Add(DoctorCheck.Fail("settings", ex.Message, $"edit {layout.Relative(layout.ConfigFile)} at line {ex.Line} ({ex.Key})"));
            return checks;
        }

        checks.Add(await DatabaseAsync(cli, config, layout, cancellationToken));
        checks.AddRange(await ModelsAsync(cli, config, cancellationToken));
        return checks;
    }

    private static async Task<DoctorCheck> GitAsync(CliContext cli, CancellationToken cancellationToken)
    {
        try
        {
            var version = await new GitProcess(cli.Environment.Variables).RunAsync(cli.Environment.WorkingDirectory, ["--version"], cancellationToken);
            return version.Succeeded
                ? DoctorCheck.Pass("git", version.StandardOutput)
                : DoctorCheck.Fail("git", $"git --version failed: {version.StandardError}", "install git (e.g. `apt-get install git`)");
        }
        catch (InvalidOperationException ex)
        {
            return DoctorCheck.Fail("git", ex.Message, "install git (e.g. `apt-get install git`) and make sure it is on PATH");
        }
    }

    private static DoctorCheck Disk(string path)
    {
        var free = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(path)) ?? "/").AvailableFreeSpace;
        return free < LowDisk
            ? DoctorCheck.Warn("disk", $"only {ByteSize.Format(free)} free where the project lives", "free some space: worktrees and models need room")
            : DoctorCheck.Pass("disk", $"{ByteSize.Format(free)} free");
    }

    private static async Task<DoctorCheck> DatabaseAsync(CliContext cli, ProjectConfig config, ProjectLayout layout, CancellationToken cancellationToken)
    {
        DatabaseLocation? location = null;
        try
        {
            location = ProjectDatabase.Resolve(cli.DatabaseOption, cli.Environment, config, layout);
            var pipelines = PipelineCatalog.Load(layout.PipelinesDirectory);
            await using var store = await ProjectDatabase.OpenAsync(location, new WorkflowStateMachine(pipelines), cli.Time, cancellationToken);
            return DoctorCheck.Pass("database", $"{location.Describe()}: reachable, schema at version {WorkStoreFactory.SchemaVersion(location.Kind)}");
        }
        catch (CliException ex)
        {
            var fix = location?.Kind == DatabaseKind.Postgres
                ? $"check that PostgreSQL runs and the connection string ({GlobalOptions.DatabaseVariable}, --db or database: in wilson.yaml) is right"
                : "check that .wilson/ is writable and the disk is not full";
            return DoctorCheck.Fail("database", ex.Message, fix);
        }
    }

    private static async Task<List<DoctorCheck>> ModelsAsync(CliContext cli, ProjectConfig config, CancellationToken cancellationToken)
    {
        if (config.Models.IsEmpty)
        {
            return [DoctorCheck.Warn("models", "no models are configured: only mechanical work can run", "add a models section to .wilson/wilson.yaml (see `wilson init --profile`)")];
        }

        var catalog = ModelCatalog.From(config.Models, cli.Environment.Variable);
        using var http = new HttpClient();
        await using var registry = new ModelRegistry(catalog.Endpoints, new EndpointProbe(http, cli.Environment.Variable, cli.Time), NoModelEvents.Instance, cli.Time);
        await registry.RefreshAsync(cancellationToken);

        var checks = new List<DoctorCheck>();
        foreach (var endpoint in catalog.Endpoints)
        {
            if (endpoint.ApiKeyEnv is { } variable)
            {
                checks.Add(cli.Environment.Variable(variable) is null
                    ? DoctorCheck.Fail($"key {endpoint.Name}", $"{variable} is not set", $"export {variable}=...")
                    : DoctorCheck.Pass($"key {endpoint.Name}", $"{variable} is set"));
            }

            checks.Add(Endpoint(endpoint, registry.StatusOf(endpoint.Name)!));
        }

        foreach (var model in catalog.Models.Values.Where(m => m.Endpoint.Protocol == ModelProtocol.Ollama))
        {
            var status = registry.StatusOf(model.Endpoint.Name)!;
            checks.Add(!status.Healthy
                ? DoctorCheck.Warn($"model {model.Name}", $"not checked: {model.Endpoint.Name} is down")
                : status.Has(model.Name) || status.Has(model.Name + ":latest")
                    ? DoctorCheck.Pass($"model {model.Name}", $"pulled on {model.Endpoint.Name}{(status.IsLoaded(model.Name) ? ", loaded" : "")}")
                    : DoctorCheck.Fail($"model {model.Name}", $"not pulled on {model.Endpoint.Name}", $"ollama pull {model.Name}"));
        }

        // A cloud endpoint's list may name models differently (aliases, dated versions); a local server's is what it serves.
        foreach (var endpoint in catalog.Endpoints.Where(e => e.Protocol == ModelProtocol.OpenAi && !e.Cloud))
        {
            var models = catalog.Models.Values.Where(m => m.Endpoint.Name == endpoint.Name).ToList();
            checks.AddRange(LlamaServerChecks.For(endpoint, registry.StatusOf(endpoint.Name)!, models));
        }

        return checks;
    }

    private static DoctorCheck Endpoint(ModelEndpoint endpoint, EndpointStatus status)
    {
        var name = $"endpoint {endpoint.Name}";
        if (status.Healthy)
        {
            var server = status.Version is { } v ? $" (version {v})"
                : status.LlamaServer is { } llama ? $" (llama.cpp: {llama.ContextLength} tokens of context{(llama.Slots is { } slots ? $", {slots} slot{(slots == 1 ? "" : "s")}" : "")})"
                : "";
            return DoctorCheck.Pass(name, $"{endpoint.BaseUrl} answers in {status.Latency?.TotalMilliseconds:0} ms{server}");
        }

        return endpoint.Protocol == ModelProtocol.Ollama
            ? DoctorCheck.Fail(name, $"Ollama is not running at {endpoint.BaseUrl} ({status.LastError})",
                "start it with `ollama serve`, or set OLLAMA_HOST (or models.endpoints.*.url) to where it runs")
            : DoctorCheck.Fail(name, $"{endpoint.BaseUrl}: {status.LastError}",
                endpoint.ApiKeyEnv is { } variable ? $"check the address and the key in {variable}"
                : endpoint.Cloud ? "check the address"
                : $"start the server (llama.cpp: `llama-server -m MODEL.gguf --jinja --alias MODEL-NAME --port {endpoint.BaseUrl.Port}`), or correct models.endpoints.{endpoint.Name}.url");
    }

    private static void Write(IAnsiConsole console, IReadOnlyList<DoctorCheck> checks, bool healthy)
    {
        var table = new Table().AddColumns("Check", "Result", "Detail", "Fix");
        foreach (var check in checks)
        {
            var result = check.Result switch
            {
                DoctorCheck.Ok => "[green]ok[/]",
                DoctorCheck.Warning => "[yellow]warn[/]",
                _ => check.Required ? "[red]FAIL[/]" : "[yellow]fail[/]",
            };
            table.AddRow(new Text(check.Name), new Markup(result), new Text(check.Detail), new Text(check.Fix ?? ""));
        }

        console.Write(table);
        console.WriteLine(healthy ? "Wilson has what it needs." : "Fix the failed checks above, then run `wilson doctor` again.");
    }
}
