using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Wilson.Cli.Projects;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workers;

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
            // Written by the workers themselves on every step and heartbeat, whichever process runs them.
            var workers = await project.Store.ListWorkersAsync(project.Project.Id, cancellationToken);
            if (cli.Json)
            {
                cli.Output.WriteJson(new StatusReport(project.Project.Name, summary.ProjectPaused, summary.Counts, summary.Running, summary.DeadLetter, workers));
                return ExitCodes.Success;
            }

            Write(cli.Output.Console, project, summary, workers, cli.Time);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, ProjectContext project, StatusSummary summary, IReadOnlyList<WorkerStatus> workers, TimeProvider time)
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
                var worker = workers.FirstOrDefault(w => w.ItemKey == item.Key && w.Worker == item.Lease?.Owner);
                running.AddRow(
                    new Text(item.Key),
                    new Text(item.Title),
                    new Text(item.Stage),
                    new Text(ItemDisplay.Worker(item, worker, time)),
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
