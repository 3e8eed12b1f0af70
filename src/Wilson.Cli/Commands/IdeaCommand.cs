using System.CommandLine;
using System.Text.Json;
using Wilson.Cli.Projects;
using Wilson.Application.Hosting;
using Wilson.Application.Projects;
using Wilson.Cli.Serving;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Llm;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson idea "add X and Y"</c>: the idea becomes a plan item, which the planner breaks into work
/// items with acceptance criteria and dependencies. With <c>--wait</c> Wilson runs here until the plan is
/// done (every item merged) or needs a person, showing what happens; without it, <c>wilson serve</c> does the work.
/// </summary>
internal static class IdeaCommand
{
    private const int TitleLength = 80;

    // What is worth a line while waiting; agent output stays in `wilson events`.
    private static readonly HashSet<string> Shown =
    [
        EventTypes.ItemCreated, EventTypes.ItemTransitioned, EventTypes.ExecutionFinished, EventTypes.ApprovalRequired, EventTypes.ItemApproved,
        EventTypes.ItemMerged, EventTypes.ItemFeedback,
    ];

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var idea = new Argument<string>("idea") { Description = "What you want, in your words" };
        var wait = new Option<bool>("--wait") { Description = "Run here until the plan is done or needs you, and show the progress" };
        var workers = new Option<int>("--workers") { Description = "With --wait: agents at once", DefaultValueFactory = _ => 2 };
        var command = new Command("idea", "Turn an idea into a plan of work items (the planner), and with --wait see it built") { idea, wait, workers };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            var text = cli.Get(idea).Trim();
            if (text.Length == 0)
            {
                throw new CliException("the idea is empty: say what you want, e.g. wilson idea \"add a health endpoint\"");
            }

            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var start = await project.Store.GetLastSequenceAsync(cancellationToken);
            var plan = ItemWrites.Require(await project.Store.AddItemAsync(project.Project.Id, new NewWorkItem
            {
                Title = Title(text),
                Description = text,
                AcceptanceCriteria = ["the idea is broken into work items, each with acceptance criteria, with dependencies where order matters"],
                Kind = WorkKind.Plan,
                Pipeline = "plan",
                Priority = 2,
            }, Actor.CurrentUser(), cancellationToken));
            var planName = ProjectContext.PlanName(plan.Key);
            cli.Output.WriteLine($"{planName} ({plan.Key}) is the plan for your idea; the planner breaks it into items" +
                (project.Config.Approvals.PlanReview ? $", which wait for `wilson approve {planName}` (plan review is on)." : "."));
            if (!cli.Get(wait))
            {
                cli.Output.WriteLine($"`wilson serve` does the work; follow it with `wilson events --follow`, or run `wilson idea ... --wait`.");
                return ExitCodes.Success;
            }

            return await WaitAsync(cli, project, plan, start, cli.Get(workers), cancellationToken);
        });
        return command;
    }

    private static async Task<int> WaitAsync(CliContext cli, ProjectContext project, WorkItem plan, long start, int workers, CancellationToken cancellationToken)
    {
        if (project.Config.Models.IsEmpty)
        {
            throw new CliException("no models are configured: add the models section to .wilson/wilson.yaml (or `wilson init --profile`), then try again");
        }

        var catalog = ModelsCommand.Catalog(cli, project.Config);
        await using var modelEvents = OutputModelEvents.Logged(cli, project);
        await using var models = new ModelServices(catalog, project.Store, modelEvents, cli.Time, cli.Environment.Variable);
        var served = new ServedProject(project.Project, project.Layout.Root, project.Config, project.Pipelines);
        var orchestrator = await ProjectOrchestrators.CreateAsync(
            project.Store, served, models, workers, cli.Environment.Variables, cli.Time, result => ServeCommand.Report(cli, result), cancellationToken);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var working = orchestrator.RunAsync(running.Token);
        IReadOnlyList<WorkItem> items = [plan];

        // Items a person was asked to approve, and why each item last moved, as the stream says: read as it goes by, not again each time.
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var e in project.Store.WatchEventsAsync(new EventQuery { AfterSequence = start, ProjectId = project.Project.Id }, running.Token))
            {
                if (Shown.Contains(e.Type))
                {
                    EventsCommand.Write(cli, e);
                }

                if (e.Type == EventTypes.ApprovalRequired && e.ItemKey is { } key)
                {
                    asked.Add(key);
                }

                if (e.Type == EventTypes.ItemTransitioned && e.ItemKey is { } moved && Reason(e.PayloadJson) is { } reason)
                {
                    reasons[moved] = reason;
                }

                if (e.Type is EventTypes.ItemTransitioned or EventTypes.ItemCreated or EventTypes.ApprovalRequired)
                {
                    items = await PlanItemsAsync(project, plan, cancellationToken);
                    if (Settled(plan, items, await AwaitingAPersonAsync(project, items, asked, cancellationToken)))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            await running.CancelAsync();
            await ServeCommand.IgnoringCancellationAsync(working);
        }

        // As the store has them once the workers have stopped: what they handed back shows as it is, not as it was.
        items = await PlanItemsAsync(project, plan, cancellationToken);
        cli.Output.WriteLine("");
        foreach (var item in items)
        {
            cli.Output.WriteLine($"{item.Key,-6} {item.Status,-17} {item.Stage,-10} {item.Title}");
            if (item.Status is WorkStatus.Blocked or WorkStatus.Failed && reasons.TryGetValue(item.Key, out var why))
            {
                cli.Output.WriteLine($"       why: {why}");
            }
        }

        var (allMerged, verdict) = Verdict(
            items.FirstOrDefault(i => i.Key == plan.Key) ?? plan, items.Where(i => i.Key != plan.Key && i.Kind != WorkKind.Plan).ToList(), project.Config.DefaultBranch);
        cli.Output.WriteLine(verdict);
        return allMerged ? ExitCodes.Success : ExitCodes.Failure;
    }

    // Only what happened: the count of items merged, stuck and waiting; success only when there were items, all are
    // merged and the plan itself is done (a planner that stopped for a person may not have made all of its items).
    private static (bool AllMerged, string Text) Verdict(WorkItem plan, List<WorkItem> work, string branch)
    {
        var merged = work.Count(i => i.Status == WorkStatus.Done);
        if (work.Count > 0 && merged == work.Count && plan.Status == WorkStatus.Done)
        {
            return (true, $"The plan is done: {(merged == 1 ? "its one item is" : $"all {merged} items are")} merged into {branch}.");
        }

        const string NeedsYou = "The plan needs you: see the items above (`wilson item show`, `wilson approve`, `wilson feedback`, `wilson retry`).";
        if (work.Count == 0)
        {
            return (false, $"Nothing was built: the plan has no items. {NeedsYou}");
        }

        var blocked = work.Count(i => i.Status is WorkStatus.Blocked or WorkStatus.Failed);
        var cancelled = work.Count(i => i.Status == WorkStatus.Cancelled);
        var waiting = work.Count(i => i.Status == WorkStatus.AwaitingApproval);
        var parts = new List<string> { $"{merged} of {work.Count} item{(work.Count == 1 ? "" : "s")} merged into {branch}" };
        parts.AddRange(new[] { (blocked, "blocked or failed"), (waiting, "waiting for approval"), (cancelled, "cancelled") }
            .Where(p => p.Item1 > 0).Select(p => $"{p.Item1} {p.Item2}"));
        var rest = work.Count - merged - blocked - cancelled - waiting;
        if (rest > 0)
        {
            parts.Add($"{rest} not finished");
        }

        if (plan.Status != WorkStatus.Done)
        {
            parts.Add($"and the plan itself is {plan.Status switch
            {
                WorkStatus.Blocked or WorkStatus.Failed => "blocked",
                WorkStatus.AwaitingApproval => "waiting for approval",
                WorkStatus.Cancelled => "cancelled",
                _ => "not finished",
            }}");
        }

        return (false, $"{string.Join(", ", parts)}. {NeedsYou}");
    }

    private static string? Reason(string payloadJson)
    {
        using var payload = JsonDocument.Parse(payloadJson);
        return payload.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null;
    }

    private static async Task<IReadOnlyList<WorkItem>> PlanItemsAsync(ProjectContext project, WorkItem plan, CancellationToken cancellationToken)
    {
        var all = (await project.Store.ListItemsAsync(project.Project.Id, ItemQuery.All, cancellationToken)).Items;
        var keys = new HashSet<string>([plan.Key], StringComparer.Ordinal);

        // The plan's items, and what they in turn created (bugs a tester reported): the whole family.
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var item in all.Where(i => i.Parent is { } parent && keys.Contains(parent) && !keys.Contains(i.Key)))
            {
                grew = keys.Add(item.Key);
            }
        }

        return [.. all.Where(i => keys.Contains(i.Key))];
    }

    private static async Task<HashSet<string>> AwaitingAPersonAsync(ProjectContext project, IReadOnlyList<WorkItem> items, HashSet<string> asked, CancellationToken cancellationToken)
    {
        if (!items.Any(i => i.Status == WorkStatus.AwaitingApproval && asked.Contains(i.Key)))
        {
            return [];
        }

        var approved = await project.Store.ListApprovedAsync(project.Project.Id, cancellationToken);
        return [.. items.Where(i => i.Status == WorkStatus.AwaitingApproval && asked.Contains(i.Key) && approved.All(a => a.Key != i.Key)).Select(i => i.Key)];
    }

    // Settled: the plan and its items are each done or wait for a person (blocked, failed, an approval only a person
    // gives, the plan's own with plan review, a draft held for that review, or an item whose dependency waits for one:
    // it cannot start before a person acts). A plan that stopped for a person after making items does not settle them:
    // they are Ready and worked on, as serve would. Both seen in PipelineFuzzTests (seeds 4 and 2).
    private static bool Settled(WorkItem plan, IReadOnlyList<WorkItem> items, HashSet<string> awaitingAPerson)
    {
        var byKey = items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        bool WaitsForAPerson(WorkItem item, HashSet<string> seen) =>
            item.Status is WorkStatus.Blocked or WorkStatus.Failed or WorkStatus.Cancelled or WorkStatus.Draft
            || awaitingAPerson.Contains(item.Key)
            || (item.Status == WorkStatus.Ready && item.Dependencies.Any(d =>
                byKey.TryGetValue(d, out var dependency) && dependency.Status != WorkStatus.Done && seen.Add(d) && WaitsForAPerson(dependency, seen)));

        return byKey.ContainsKey(plan.Key) && items.All(i => i.Status == WorkStatus.Done || WaitsForAPerson(i, [i.Key]));
    }

    private static string Title(string idea)
    {
        var line = idea.Split('\n')[0].Trim();
        return line.Length <= TitleLength ? line : line[..TitleLength].TrimEnd() + "...";
    }
}
