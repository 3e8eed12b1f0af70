using System.CommandLine;
using Wilson.Cli.Serving;
using Wilson.Core.Configuration;
using Wilson.Core.Events;
using Wilson.Cli.Projects;
using Wilson.Llm;
using Wilson.Llm.Usage;
using Wilson.Orchestration.Merging;
using Wilson.Orchestration.Scheduling;
using Wilson.Orchestration.Workers;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson serve</c>: runs Wilson for the project until stopped: the scheduler and its workers (when
/// models are configured), the lease sweep that returns a dead worker's items, and the live event log.
/// The hub (HTTP) joins this host next.
/// </summary>
internal static class ServeCommand
{
    // How often the model endpoints are checked (up or down, what is pulled and loaded).
    private static readonly TimeSpan RegistryInterval = TimeSpan.FromSeconds(30);

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var workers = new Option<int>("--workers")
        {
            Description = "How many agents may run at once (each holds a model while it runs)",
            DefaultValueFactory = _ => new OrchestratorOptions().Workers,
        };
        var command = new Command("serve", "Run Wilson for this project until Ctrl+C: agents work the Ready items; the live event log is shown") { workers };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            var workerCount = cli.Get(workers);
            if (workerCount is < 1 or > 64)
            {
                throw new CliException($"--workers: {workerCount} is not between 1 and 64");
            }

            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var interval = LeaseSweeper.IntervalFor(project.Config.LeaseDuration);
            var sweeper = new LeaseSweeper(project.Store, project.Config.MaxAttempts, interval, cli.Time);
            cli.Output.WriteLine($"Wilson is serving project {project.Project.Name} on {project.Database.Describe()}.");
            cli.Output.WriteLine(
                $"Expired leases are swept every {DurationText.Format(interval)} (lease {DurationText.Format(project.Config.LeaseDuration)}, " +
                $"{project.Config.MaxAttempts} attempts before the dead letter). Press Ctrl+C to stop.");

            var catalog = project.Config.Models.IsEmpty ? null : ModelsCommand.Catalog(cli, project.Config);
            await using var modelEvents = OutputModelEvents.Logged(cli, project);
            await using var models = catalog is null
                ? null
                : new ModelServices(catalog, project.Store, modelEvents, cli.Time, cli.Environment.Variable);
            var orchestrator = models is null ? null : await OrchestratorAsync(cli, project, models, catalog!, workerCount, interval, cancellationToken);
            cli.Output.WriteLine(orchestrator is null
                ? "No models are configured (the models section of .wilson/wilson.yaml, or `wilson init --profile`): no agent runs."
                : $"Agents work the Ready items, {workerCount} at a time.");
            Task working = Task.CompletedTask;
            try
            {
                models?.Registry.Start(RegistryInterval);
                // Warming runs beside the log: a slow or absent endpoint must not hold serve up.
                _ = models is null ? Task.CompletedTask : WarmAsync(cli, models, cancellationToken);
                var query = new EventQuery { ProjectId = project.Project.Id, Limit = 500 };
                var last = await EventsCommand.WriteHistoryAsync(cli, project, query, limit: 10, cancellationToken);
                working = orchestrator?.RunAsync(cancellationToken) ?? sweeper.RunAsync(result => Report(cli, result), cancellationToken);
                var following = FollowAsync(cli, project.Store.WatchEventsAsync(query with { AfterSequence = last }, cancellationToken));
                await await Task.WhenAny(working, following);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how serve is meant to end.
            }

            // The workers hand their items back before the store closes.
            await IgnoringCancellationAsync(working);
            cli.Output.WriteLine("Wilson stopped; nothing is lost: running items were handed back, and any still held return to Ready when their leases expire.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The scheduler, workers and merge queue for the project, with the commands a killed Wilson left behind swept first.</summary>
    internal static async Task<Orchestrator> OrchestratorAsync(
        CliContext cli, ProjectContext project, ModelServices models, ModelCatalog catalog, int workers, TimeSpan sweepInterval, CancellationToken cancellationToken)
    {
        var workspace = new ProjectWorkspace(project.Project, project.Layout.Root, project.Config, cli.Environment.Variables, cli.Time);

        // Commands a killed Wilson left running die before anything starts again.
        await workspace.Pids.SweepAsync(cancellationToken);
        var budget = new StartBudget(catalog, project.Store, cli.Time);
        var options = new OrchestratorOptions
        {
            Workers = workers, LeaseDuration = project.Config.LeaseDuration, MaxAttempts = project.Config.MaxAttempts, SafetyInterval = sweepInterval,
            StartGate = async ct => await budget.WhyNotAsync(project.Project.Id, ct) ?? AtCapacity(models),
        };
        return new Orchestrator(
            project.Store, project.Project, project.Pipelines, new AgentStageRunner(project.Store, workspace, models, catalog, pipelines: project.Pipelines), options, cli.Time,
            result => Report(cli, result), new MergeQueue(project.Store, workspace, project.Pipelines));
    }

    // Runs already waiting for room on the models: a new one would only wait behind them, holding its item.
    private static string? AtCapacity(ModelServices models) =>
        models.Lifecycle.Waiting is > 0 and var waiting ? $"the models are at capacity: {waiting} run(s) wait for room" : null;

    // keep_alive models are loaded at start, so the first call finds them warm; a model that cannot be
    // loaded now is reported, and loads on first use instead.
    private static async Task WarmAsync(CliContext cli, ModelServices models, CancellationToken cancellationToken)
    {
        try
        {
            await models.Lifecycle.WarmKeepAliveModelsAsync(cancellationToken);
        }
        catch (ModelCallException ex)
        {
            cli.Output.WriteLine($"models: could not load the keep_alive models at start: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while warming.
        }
    }

    internal static async Task IgnoringCancellationAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }
    }

    private static async Task FollowAsync(CliContext cli, IAsyncEnumerable<WorkEvent> events)
    {
        await foreach (var e in events)
        {
            EventsCommand.Write(cli, e);
        }
    }

    internal static void Report(CliContext cli, Core.Storage.SweepResult result)
    {
        if (result.Requeued.Count > 0)
        {
            cli.Output.WriteLine($"lease sweep: back to Ready after an expired lease: {string.Join(", ", result.Requeued)}");
        }

        if (result.DeadLettered.Count > 0)
        {
            cli.Output.WriteLine($"lease sweep: out of attempts, moved to the dead letter (Failed): {string.Join(", ", result.DeadLettered)}");
        }
    }
}
