using Microsoft.Extensions.Hosting;
using Wilson.Cli.Commands;
using Wilson.Cli.Projects;
using Wilson.Core.Events;

namespace Wilson.Cli.Serving;

/// <summary><c>wilson serve</c>'s live event log on the terminal: the last few events, then each new one as it happens.</summary>
internal sealed class ConsoleEventLog(CliContext cli, ProjectContext project) : BackgroundService
{
    private const int History = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var query = new EventQuery { ProjectId = project.Project.Id, Limit = 500 };
            var last = await EventsCommand.WriteHistoryAsync(cli, project, query, limit: History, stoppingToken);
            await foreach (var e in project.Store.WatchEventsAsync(query with { AfterSequence = last }, stoppingToken))
            {
                EventsCommand.Write(cli, e);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
