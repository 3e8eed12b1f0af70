using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wilson.Application.Projects;
using Wilson.Core.Storage;
using Wilson.Llm;

namespace Wilson.Application.Hosting;

/// <summary>
/// Serves one project for as long as the host runs: its scheduler, workers and merge queue when the machine has models,
/// otherwise only the lease sweep that returns a dead worker's items. Stopping waits for the workers to hand their items back.
/// </summary>
public sealed partial class ProjectService(
    ServedProject served, IWorkStore store, ModelServices? models, ProjectServiceOptions options, TimeProvider time, ILogger<ProjectService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (models is null)
            {
                var sweeper = new LeaseSweeper(store, served.Project.Id, served.Config.MaxAttempts, LeaseSweeper.IntervalFor(served.Config.LeaseDuration), time);
                await sweeper.RunAsync(Swept, stoppingToken);
                return;
            }

            var orchestrator = await ProjectOrchestrators.CreateAsync(store, served, models, options.Workers, options.Environment, time, Swept, stoppingToken);
            Log.Serving(logger, served.Project.Name, options.Workers);
            await orchestrator.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping is how a host ends.
        }
        catch (Exception ex)
        {
            Log.Failed(logger, ex, served.Project.Name);
            throw;
        }
    }

    private void Swept(SweepResult result)
    {
        if (result.Requeued.Count > 0)
        {
            Log.Requeued(logger, served.Project.Name, string.Join(", ", result.Requeued));
        }

        if (result.DeadLettered.Count > 0)
        {
            Log.DeadLettered(logger, served.Project.Name, string.Join(", ", result.DeadLettered));
        }

        options.OnSwept?.Invoke(served, result);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Serving project {Project}: agents work its Ready items, {Workers} at a time")]
        public static partial void Serving(ILogger logger, string project, int workers);

        [LoggerMessage(2, LogLevel.Warning, "Project {Project}: back to Ready after an expired lease: {Items}")]
        public static partial void Requeued(ILogger logger, string project, string items);

        [LoggerMessage(3, LogLevel.Warning, "Project {Project}: out of attempts, moved to the dead letter (Failed): {Items}")]
        public static partial void DeadLettered(ILogger logger, string project, string items);

        [LoggerMessage(4, LogLevel.Error, "Project {Project} stopped being served")]
        public static partial void Failed(ILogger logger, Exception exception, string project);
    }
}
