using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Wilson.Application.Hosting;
using Wilson.Application.Projects;
using Wilson.Cli.Projects;
using Wilson.Cli.Serving;
using Wilson.Core.Configuration;
using Wilson.Llm;
using Wilson.Orchestration.Scheduling;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson serve</c>: runs Wilson for the project until stopped, on the Generic Host: the scheduler and its workers
/// (when models are configured), the lease sweep that returns a dead worker's items, and the live event log.
/// The hub (HTTP) joins this host next.
/// </summary>
internal static class ServeCommand
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

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
            cli.Output.WriteLine($"Wilson is serving project {project.Project.Name} on {project.Database.Describe()}.");
            cli.Output.WriteLine(
                $"Expired leases are swept every {DurationText.Format(interval)} (lease {DurationText.Format(project.Config.LeaseDuration)}, " +
                $"{project.Config.MaxAttempts} attempts before the dead letter). Press Ctrl+C to stop.");

            var catalog = project.Config.Models.IsEmpty ? null : ModelsCommand.Catalog(cli, project.Config);
            cli.Output.WriteLine(catalog is null
                ? "No models are configured (the models section of .wilson/wilson.yaml, or `wilson init --profile`): no agent runs."
                : $"Agents work the Ready items, {workerCount} at a time.");

            using var host = Build(cli, project, catalog, workerCount);
            var parts = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            try
            {
                await host.StartAsync(cancellationToken);
                await host.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how serve is meant to end; the parts stop as the host does.
                await host.StopAsync(CancellationToken.None);
            }

            // A part that failed stopped the host: say why, as the command's error.
            if (parts.FirstOrDefault(p => p.ExecuteTask is { IsFaulted: true }) is { } failed)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.ExecuteTask!.Exception!.InnerException!);
            }

            cli.Output.WriteLine("Wilson stopped; nothing is lost: running items were handed back, and any still held return to Ready when their leases expire.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The Generic Host of <c>wilson serve</c>: the project's scheduler, workers and merge queue (or its lease sweep
    /// alone), the machine's models, and the live event log on the terminal; operators' logs on standard error.
    /// </summary>
    private static IHost Build(CliContext cli, ProjectContext project, ModelCatalog? catalog, int workers)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            })
            .AddFilter("Microsoft", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

        // The workers hand their items back within this; whatever is still held returns when its lease expires.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        var served = new ServedProject(project.Project, project.Layout.Root, project.Config, project.Pipelines);
        builder.Services.AddWilsonHost(new WilsonHostSettings
        {
            Store = project.Store,
            Projects = [served],
            Models = catalog,
            ModelEvents = new OutputModelEvents(cli.Output),
            Variable = cli.Environment.Variable,
            Time = cli.Time,
            ProjectOptions = new ProjectServiceOptions
            {
                Workers = workers, Environment = cli.Environment.Variables, OnSwept = (_, result) => Report(cli, result),
            },
        });
        builder.Services.AddHostedService(_ => new ConsoleEventLog(cli, project));
        return builder.Build();
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
