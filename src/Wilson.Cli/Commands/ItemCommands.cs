using System.CommandLine;
using Spectre.Console;
using Spectre.Console.Rendering;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;
using Wilson.Cli.Projects;
using Wilson.Core.Configuration;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workers;
using Wilson.Core.Workflow;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson item add | list | show | move | rollback</c>: work items from the command line.</summary>
internal static class ItemCommands
{
    private static readonly string[] StagePrefixes = ["stage ", "stage:"];

    public static Command Create(CliEnvironment environment, GlobalOptions options) =>
        new("item", "Add, list, show, move and roll back work items")
        {
            CreateAdd(environment, options),
            CreateList(environment, options),
            CreateShow(environment, options),
            CreateMove(environment, options),
            RollbackCommand.Create(environment, options),
            CreateEdit(environment, options),
        };

    // A person's edit (a plan under review, say): what is given replaces what was there; the version guards a race.
    private static Command CreateEdit(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-3" };
        var title = new Option<string?>("--title") { Description = "A new title" };
        var description = new Option<string?>("--description", "-d") { Description = "A new description" };
        var criteria = new Option<string[]>("--criteria", "-c") { Description = "The acceptance criteria (repeat; replaces them all)", HelpName = "text" };
        var dependsOn = new Option<string[]>("--depends-on") { Description = "The items it needs (repeat; replaces them all)", HelpName = "key" };
        var priority = new Option<int?>("--priority", "-p") { Description = "1 (most urgent) to 10" };
        var tier = new Option<string?>("--tier") { Description = "Complexity" };
        tier.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LowerNames<ComplexityTier>());
        var command = new Command("edit", "Change a work item's title, description, criteria, dependencies, priority or tier")
        {
            key, title, description, criteria, dependsOn, priority, tier,
        };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var item = await project.GetItemAsync(cli.Get(key), cancellationToken);
            var given = cli.Get(criteria) is { Length: > 0 } c ? c.Select(x => x.Trim()).Where(x => x.Length > 0).ToList() : null;
            var needs = cli.Get(dependsOn) is { Length: > 0 } d ? d.Select(ProjectContext.ParseKey).Distinct(StringComparer.Ordinal).ToList() : null;
            var change = new ItemEdit
            {
                Title = cli.Get(title)?.Trim(),
                Description = cli.Get(description)?.Trim(),
                AcceptanceCriteria = given,
                Dependencies = needs,
                Priority = cli.Get(priority),
                Tier = cli.Get(tier) is { } tierText ? Enum.Parse<ComplexityTier>(tierText, ignoreCase: true) : null,
            };
            if (change == new ItemEdit())
            {
                throw new CliException("nothing to change: give --title, --description, --criteria, --depends-on, --priority or --tier");
            }

            var edited = ItemWrites.Require(await project.Store.EditItemAsync(project.Project.Id, item.Key, change, item.Version, Actor.CurrentUser(), cancellationToken));
            if (cli.Json)
            {
                cli.Output.WriteJson(edited);
                return ExitCodes.Success;
            }

            cli.Output.WriteLine($"{edited.Key} edited ({edited.Status} at {edited.Stage})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateAdd(CliEnvironment environment, GlobalOptions options)
    {
        var title = new Argument<string>("title") { Description = "What the item is, in a line" };
        var description = new Option<string?>("--description", "-d") { Description = "More detail for the agents" };
        var criteria = new Option<string[]>("--criteria", "-c")
        {
            Description = "An acceptance criterion (repeat for several); with at least one the item is Ready",
            HelpName = "text",
        };
        var dependsOn = new Option<string[]>("--depends-on")
        {
            Description = "An item that must be Done first, e.g. T-1 (repeat for several)",
            HelpName = "key",
        };
        var priority = new Option<int?>("--priority", "-p") { Description = "1 (most urgent) to 10; default 5" };
        var tier = new Option<string?>("--tier") { Description = "Complexity; inferred from the text when not given" };
        tier.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LowerNames<ComplexityTier>());
        var kind = new Option<string?>("--kind") { Description = "What sort of work it is; default feature" };
        kind.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LowerNames<WorkKind>());
        var pipeline = new Option<string?>("--pipeline") { Description = "The pipeline it follows; default the project's (wilson.yaml)" };
        var draft = new Option<bool>("--draft") { Description = "Keep it in Draft even when it is ready" };

        var command = new Command("add", "Add a work item; it is Ready when it has acceptance criteria, Draft otherwise")
        {
            title, description, criteria, dependsOn, priority, tier, kind, pipeline, draft,
        };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var pipelineName = project.GetPipeline(cli.Get(pipeline) ?? project.Config.Pipeline).Name;
            var newItem = new NewWorkItem
            {
                Title = cli.Get(title).Trim(),
                Description = cli.Get(description)?.Trim() ?? "",
                AcceptanceCriteria = [.. (cli.Get(criteria) ?? []).Select(c => c.Trim()).Where(c => c.Length > 0)],
                Dependencies = [.. (cli.Get(dependsOn) ?? []).Select(d => ProjectContext.ParseKey(d)).Distinct(StringComparer.Ordinal)],
                Priority = cli.Get(priority) ?? WorkItemRules.DefaultPriority,
                Tier = cli.Get(tier) is { } tierText ? Enum.Parse<ComplexityTier>(tierText, ignoreCase: true) : null,
                Kind = cli.Get(kind) is { } kindText ? Enum.Parse<WorkKind>(kindText, ignoreCase: true) : WorkKind.Feature,
                Pipeline = pipelineName,
                KeepAsDraft = cli.Get(draft),
            };
            if (newItem.Validate() is { Count: > 0 } errors)
            {
                throw new CliException(string.Join("; ", errors));
            }

            var item = ItemWrites.Require(await project.Store.AddItemAsync(project.Project.Id, newItem, Actor.CurrentUser(), cancellationToken));
            if (cli.Json)
            {
                cli.Output.WriteJson(item);
                return ExitCodes.Success;
            }

            var line = $"{item.Key} created ({item.Status}, stage {item.Stage})";
            if (item.Status == WorkStatus.Draft && !newItem.KeepAsDraft && DefinitionOfReady.Check(item) is { Count: > 0 } unmet)
            {
                line += $": not ready yet, {string.Join("; ", unmet)}";
            }

            cli.Output.WriteLine(line);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList(CliEnvironment environment, GlobalOptions options)
    {
        var status = new Option<string?>("--status") { Description = "Only items with this status, e.g. ready or awaiting-approval" };
        var stage = new Option<string?>("--stage") { Description = "Only items at this stage, e.g. develop" };
        var command = new Command("list", "List the project's work items") { status, stage };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var query = new ItemQuery
            {
                Statuses = cli.Get(status) is { } statusText ? [ParseStatus(statusText, "--status")] : null,
                Stage = cli.Get(stage) is { } stageText ? ParseStage(stageText, project.Pipelines) : null,
            };
            var items = (await project.Store.ListItemsAsync(project.Project.Id, query, cancellationToken)).Items;
            if (cli.Json)
            {
                cli.Output.WriteJson(items);
                return ExitCodes.Success;
            }

            var console = cli.Output.Console;
            if (items.Count == 0)
            {
                console.WriteLine(query.Statuses is null && query.Stage is null
                    ? "No items yet. Add one: wilson item add \"title\" --criteria \"what done looks like\""
                    : "No items match.");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Key", "Title", "Stage", "Status", "Priority", "Tier", "Deps");
            foreach (var item in items)
            {
                table.AddRow(
                    new Text(item.Key),
                    new Text(item.Title),
                    new Text(item.Stage),
                    ItemDisplay.Status(item.Status),
                    new Text(item.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Text(ItemDisplay.Lower(item.Tier)),
                    new Text(ItemDisplay.Dependencies(item)));
            }

            console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-1" };
        var command = new Command("show", "Show every field of a work item") { key };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var item = await project.GetItemAsync(cli.Get(key), cancellationToken);
            if (cli.Json)
            {
                cli.Output.WriteJson(item);
                return ExitCodes.Success;
            }

            var executions = await project.Store.ListExecutionsAsync(project.Project.Id, item.Key, cancellationToken);
            var worker = item.Lease is { } lease
                ? (await project.Store.ListWorkersAsync(project.Project.Id, cancellationToken)).FirstOrDefault(w => w.Worker == lease.Owner)
                : null;
            cli.Output.Console.Write(Describe(item, executions, worker, cli.Time));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateMove(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-1" };
        var to = new Option<string>("--to")
        {
            Description = "A status (ready, blocked, cancelled, ...) or a stage of the item's pipeline (develop, test, ...) ('stage NAME' also works)",
            Required = true,
        };
        var reason = new Option<string>("--reason") { Description = "Why: it is recorded in the item's history", Required = true };
        var command = new Command("move", "Move a work item to another status or stage") { key, to, reason };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var item = await project.GetItemAsync(cli.Get(key), cancellationToken);
            var pipeline = project.GetPipeline(item.Pipeline);
            var targetText = cli.Get(to).Trim();
            var target = ParseTarget(targetText, pipeline) ?? throw new CliException(UnknownTarget(targetText, pipeline));
            var moved = ItemWrites.Require(await project.Store.TransitionAsync(
                project.Project.Id, item.Key, target, cli.Get(reason).Trim(), Actor.CurrentUser(), item.Version, cancellationToken));

            // A finished item's worktree goes; its branch stays for the record.
            var worktrees = new ItemWorktrees(project.Layout.Root, project.Config.DefaultBranch, new GitProcess(cli.Environment.Variables));
            var removed = moved.Status is WorkStatus.Done or WorkStatus.Cancelled && Directory.Exists(worktrees.PathOf(moved.Key));
            if (removed)
            {
                await worktrees.RemoveAsync(moved.Key, cancellationToken);
            }

            if (cli.Json)
            {
                cli.Output.WriteJson(moved);
                return ExitCodes.Success;
            }

            cli.Output.WriteLine($"{moved.Key} moved: {item.Status} at {item.Stage} -> {moved.Status} at {moved.Stage}");
            if (removed)
            {
                cli.Output.WriteLine($"worktree {worktrees.PathOf(moved.Key)} removed; branch {ItemWorktrees.BranchOf(moved.Key, moved.Title)} kept");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// A stage or a status, as <see cref="TransitionTarget.Parse"/> reads them; <c>stage NAME</c> or
    /// <c>stage:NAME</c>, the form refusals list allowed targets in, means the stage.
    /// </summary>
    private static TransitionTarget? ParseTarget(string text, Pipeline pipeline)
    {
        foreach (var prefix in StagePrefixes)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return pipeline.FindStage(text[prefix.Length..].Trim()) is { } stage ? TransitionTarget.ToStage(stage.Name) : null;
            }
        }

        return TransitionTarget.Parse(text, pipeline);
    }

    /// <summary>A status as a person types it: case, dashes and underscores ignored.</summary>
    internal static WorkStatus ParseStatus(string text, string option)
    {
        // Names only: Enum.TryParse would also read numbers and comma lists.
        var normalized = text.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        var names = Enum.GetNames<WorkStatus>();
        return names.FirstOrDefault(n => string.Equals(n, normalized, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<WorkStatus>(name)
            : throw new CliException($"{option}: unknown status '{text}'{Suggestions.DidYouMean(text, names)}; statuses: {string.Join(", ", names)}");
    }

    private static string ParseStage(string text, PipelineCatalog pipelines)
    {
        var stages = pipelines.All.SelectMany(p => p.Stages.Select(s => s.Name)).Distinct(StringComparer.Ordinal).ToList();
        return stages.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliException($"--stage: no stage '{text}' in any pipeline{Suggestions.DidYouMean(text, stages)}; stages: {string.Join(", ", stages)}");
    }

    private static string UnknownTarget(string text, Pipeline pipeline)
    {
        var statuses = Enum.GetNames<WorkStatus>();
        var stages = pipeline.Stages.Select(s => s.Name).ToList();
        return $"'{text}' is neither a status nor a stage of pipeline '{pipeline.Name}'{Suggestions.DidYouMean(text, statuses.Concat(stages))}; "
            + $"statuses: {string.Join(", ", statuses)}; stages: {string.Join(", ", stages)}";
    }

    private static Grid Describe(WorkItem item, IReadOnlyList<Execution> executions, WorkerStatus? worker, TimeProvider time)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, IRenderable value) => grid.AddRow(new Markup($"[bold]{name}[/]"), value);
        void TextRow(string name, string value) => Row(name, new Text(value));
        void ListRow(string name, IEnumerable<string> values)
        {
            var list = values.ToList();
            TextRow(name, list.Count == 0 ? "-" : string.Join('\n', list.Select(v => $"- {v}")));
        }

        TextRow("Key", item.Key);
        TextRow("Title", item.Title);
        Row("Status", ItemDisplay.Status(item.Status));
        TextRow("Stage", $"{item.Stage} (pipeline {item.Pipeline})");
        TextRow("Kind", ItemDisplay.Lower(item.Kind));
        TextRow("Tier", ItemDisplay.Lower(item.Tier));
        TextRow("Priority", item.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        TextRow("Description", item.Description.Length == 0 ? "-" : item.Description);
        ListRow("Acceptance criteria", item.AcceptanceCriteria);
        ListRow("Definition of done", item.DefinitionOfDone);
        TextRow("Depends on", item.Dependencies.Count == 0 ? "-" : ItemDisplay.Dependencies(item));
        TextRow("Parent", item.Parent ?? "-");
        ListRow("Relevant files", item.Context.RelevantFiles);
        TextRow("Branch", item.Context.Branch ?? "-");
        ListRow("Verification", item.Verification.Select(v => string.Join(' ', new[] { v.Kind, v.Argument, v.Expected }.OfType<string>())));
        var (done, total) = item.Progress;
        ListRow($"Checklist ({done}/{total})", item.Checklist.Select(s => $"[{(s.Done ? "x" : " ")}] {s.Text}"));
        TextRow("Attempts", item.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        TextRow("Lease", item.Lease is { } lease ? $"{lease.Owner}, expires {ItemDisplay.Relative(lease.ExpiresAt, time)}" : "-");
        if (item.PausedFrom is { } pausedFrom)
        {
            TextRow("Paused from", pausedFrom.ToString());
        }

        var paused = ItemDisplay.Paused(item, worker, time);
        if (item.Status == WorkStatus.Running)
        {
            TextRow("Agent", ItemDisplay.Worker(item, worker, time) + (paused is null ? "" : " (it waits before its next step; `wilson resume` lets it go on)"));
        }
        else if (paused is not null)
        {
            TextRow("Runs", $"{paused}: its next run waits before its first step until `wilson resume`");
        }

        TextRow("Version", item.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        TextRow("Created", ItemDisplay.Time(item.CreatedAt, time));
        TextRow("Updated", ItemDisplay.Time(item.UpdatedAt, time));
        ListRow("Executions", executions.Select(e =>
            $"#{e.Id} {e.Stage}/{e.Role} {e.Result?.ToString() ?? "running"}, {e.TokensIn + e.TokensOut:N0} tokens, {ItemDisplay.Time(e.StartedAt, time)}: " +
            e.Summary.Split('\n')[0]));
        return grid;
    }

    private static string[] LowerNames<T>()
        where T : struct, Enum => [.. Enum.GetNames<T>().Select(n => n.ToLowerInvariant())];
}
