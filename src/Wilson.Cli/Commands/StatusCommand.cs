using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Wilson.Cli.Projects;
using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Storage;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson status</c>: the project at a glance.</summary>
internal static class StatusCommand
{
    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var command = new Command("status", "Items by stage and status, what is running, the dead letter, and whether the project is paused");
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var summary = await project.Store.GetStatusAsync(project.Project.Id, cancellationToken);
            var agents = await AgentsAsync(project, summary.Running, cancellationToken);
            if (cli.Json)
            {
                cli.Output.WriteJson(new StatusReport(project.Project.Name, summary.ProjectPaused, summary.Counts, summary.Running, summary.DeadLetter, agents));
                return ExitCodes.Success;
            }

            Write(cli.Output.Console, project, summary, agents, cli.Time);
            return ExitCodes.Success;
        });
        return command;
    }

    // What each running item's agent is doing, read from its open execution: any process's workers show.
    private static async Task<List<RunningAgent>> AgentsAsync(ProjectContext project, IReadOnlyList<WorkItem> running, CancellationToken cancellationToken)
    {
        var agents = new List<RunningAgent>();
        foreach (var item in running)
        {
            var open = (await project.Store.ListExecutionsAsync(project.Project.Id, item.Key, cancellationToken)).LastOrDefault(e => e.EndedAt is null);
            if (open is not null && await project.Store.GetExecutionAsync(open.Id, cancellationToken) is { } execution)
            {
                agents.Add(new RunningAgent(item.Key, execution.Worker, execution.Stage, execution.Role,
                    await ModelOfAsync(project, execution, cancellationToken), execution.Transcript.Count, execution.StartedAt));
            }
        }

        return agents;
    }

    // The model answering the run, as its agent.model events said (the execution records it only when it ends).
    private static async Task<string?> ModelOfAsync(ProjectContext project, Execution execution, CancellationToken cancellationToken)
    {
        var events = await project.Store.ReadEventsAsync(new EventQuery { ProjectId = project.Project.Id, ItemKey = execution.ItemKey, Limit = 100_000 }, cancellationToken);
        return events.LastOrDefault(e => e.Type == EventTypes.AgentModel && JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("executionId").GetInt64() == execution.Id) is { } said
            ? JsonDocument.Parse(said.PayloadJson).RootElement.GetProperty("text").GetString()
            : null;
    }

    private static void Write(IAnsiConsole console, ProjectContext project, StatusSummary summary, IReadOnlyList<RunningAgent> agents, TimeProvider time)
    {
        console.MarkupLine(summary.ProjectPaused
            ? $"Project [bold]{Markup.Escape(project.Project.Name)}[/]: [yellow]paused[/] (no item is started; resume with `wilson resume --all`)"
            : $"Project [bold]{Markup.Escape(project.Project.Name)}[/]: active");
        console.WriteLine();

        if (summary.Counts.Count == 0)
        {
            console.WriteLine("No items yet. Add one: wilson item add \"title\" --criteria \"what done looks like\"");
        }
        else
        {
            console.Write(CountsTable(summary.Counts, StageOrder(project, summary.Counts)));
        }

        console.WriteLine();
        if (summary.Running.Count == 0)
        {
            console.WriteLine("Running: nothing");
        }
        else
        {
            var running = new Table().Title("Running").AddColumns("Key", "Title", "Stage", "Agent", "Owner", "Lease expires");
            foreach (var item in summary.Running)
            {
                var agent = agents.FirstOrDefault(a => a.Item == item.Key);
                running.AddRow(
                    new Text(item.Key),
                    new Text(item.Title),
                    new Text(item.Stage),
                    new Text(agent is null ? "-" : $"{agent.Role}{(agent.Model is null ? "" : $" on {agent.Model}")}, step {agent.Step}, for {ItemDisplay.Relative(agent.StartedAt, time).Replace(" ago", "", StringComparison.Ordinal)}"),
                    new Text(item.Lease?.Owner ?? "-"),
                    new Text(item.Lease is { } lease ? $"{ItemDisplay.Time(lease.ExpiresAt, time)} ({ItemDisplay.Relative(lease.ExpiresAt, time)})" : "-"));
            }

            console.Write(running);
        }

        if (summary.DeadLetter.Count == 0)
        {
            console.WriteLine("Dead letter: empty");
        }
        else
        {
            var dead = new Table().Title("Dead letter (Failed)").AddColumns("Key", "Title", "Stage", "Attempts");
            foreach (var item in summary.DeadLetter)
            {
                dead.AddRow(
                    new Text(item.Key),
                    new Text(item.Title),
                    new Text(item.Stage),
                    new Text(item.Attempts.ToString(CultureInfo.InvariantCulture)));
            }

            console.Write(dead);
        }
    }

    /// <summary>The default pipeline's stages in order, then those of the other pipelines, then any the pipelines no longer name.</summary>
    private static List<string> StageOrder(ProjectContext project, IReadOnlyList<StageStatusCount> counts)
    {
        var order = project.DefaultPipeline.Stages.Select(s => s.Name).ToList();
        var seen = new HashSet<string>(order, StringComparer.Ordinal);
        var others = project.Pipelines.All
            .Where(p => p.Name != project.DefaultPipeline.Name)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .SelectMany(p => p.Stages.Select(s => s.Name))
            .Concat(counts.Select(c => c.Stage));
        foreach (var stage in others)
        {
            if (counts.Any(c => c.Stage == stage) && seen.Add(stage))
            {
                order.Add(stage);
            }
        }

        return order;
    }

    private static Table CountsTable(IReadOnlyList<StageStatusCount> counts, List<string> stages)
    {
        var statuses = Enum.GetValues<WorkStatus>().Where(s => counts.Any(c => c.Status == s)).ToList();
        var table = new Table().AddColumn("Stage");
        foreach (var status in statuses)
        {
            table.AddColumn(new TableColumn(new Text(status.ToString(), ItemDisplay.StatusStyle(status))).RightAligned());
        }

        table.AddColumn(new TableColumn("Total").RightAligned());
        foreach (var stage in stages)
        {
            var cells = new List<Text> { new(stage) };
            foreach (var status in statuses)
            {
                var count = counts.Where(c => c.Stage == stage && c.Status == status).Sum(c => c.Count);
                cells.Add(new Text(count == 0 ? "." : count.ToString(CultureInfo.InvariantCulture)));
            }

            cells.Add(new Text(counts.Where(c => c.Stage == stage).Sum(c => c.Count).ToString(CultureInfo.InvariantCulture)));
            table.AddRow(cells);
        }

        return table;
    }
}
