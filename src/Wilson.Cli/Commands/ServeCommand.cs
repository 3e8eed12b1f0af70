using System.CommandLine;
using Wilson.Cli.Serving;
using Wilson.Core.Configuration;
using Wilson.Core.Events;
using Wilson.Llm;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson serve</c>: runs Wilson for the project until stopped. Today that is the durable core:
/// the lease sweep that returns a dead worker's items, and the live event log. The scheduler and
/// workers (Orchestration) and the hub (HTTP) join this host as they are built.
/// </summary>
internal static class ServeCommand
{
    // How often the model endpoints are checked (up or down, what is pulled and loaded).
    private static readonly TimeSpan RegistryInterval = TimeSpan.FromSeconds(30);

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var command = new Command("serve", "Run Wilson for this project until Ctrl+C: sweep expired leases and show the live event log");
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var interval = LeaseSweeper.IntervalFor(project.Config.LeaseDuration);
            var sweeper = new LeaseSweeper(project.Store, project.Config.MaxAttempts, interval, cli.Time);
            cli.Output.WriteLine($"Wilson is serving project {project.Project.Name} on {project.Database.Describe()}.");
            cli.Output.WriteLine(
                $"Expired leases are swept every {DurationText.Format(interval)} (lease {DurationText.Format(project.Config.LeaseDuration)}, " +
                $"{project.Config.MaxAttempts} attempts before the dead letter). Press Ctrl+C to stop.");

            await using var models = project.Config.Models.IsEmpty
                ? null
                : new ModelServices(ModelsCommand.Catalog(cli, project.Config), project.Store, new OutputModelEvents(cli.Output), cli.Time, cli.Environment.Variable);
            try
            {
                models?.Registry.Start(RegistryInterval);
                // Warming runs beside the log: a slow or absent endpoint must not hold serve up.
                _ = models is null ? Task.CompletedTask : WarmAsync(cli, models, cancellationToken);
                var query = new EventQuery { ProjectId = project.Project.Id, Limit = 500 };
                var last = await EventsCommand.WriteHistoryAsync(cli, project, query, limit: 10, cancellationToken);
                var sweeping = sweeper.RunAsync(result => Report(cli, result), cancellationToken);
                var following = FollowAsync(cli, project.Store.WatchEventsAsync(query with { AfterSequence = last }, cancellationToken));
                await await Task.WhenAny(sweeping, following);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how serve is meant to end.
            }

            cli.Output.WriteLine("Wilson stopped; nothing is lost: items held by this process return to Ready when their leases expire.");
            return ExitCodes.Success;
        });
        return command;
    }

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

    private static async Task FollowAsync(CliContext cli, IAsyncEnumerable<WorkEvent> events)
    {
        await foreach (var e in events)
        {
            EventsCommand.Write(cli, e);
        }
    }

    private static void Report(CliContext cli, Core.Storage.SweepResult result)
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
