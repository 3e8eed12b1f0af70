using System.Globalization;
using Wilson.Core.Configuration;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Bench.Acceptance;

/// <summary>
/// <c>acceptance-report</c>: after <c>wilson idea --wait</c> ran in a project, prints per item of the idea's plan
/// the wall time, model time, time in commands, waiting, Wilson's own overhead and its share of the wall, tokens,
/// calls, turns, runs and retries, then checks that Wilson ended the idea honestly and within its bounds. Exit 0
/// when every check holds, 1 when one does not, 2 when the project cannot be read.
/// </summary>
internal static class AcceptanceReport
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = AcceptanceOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"{error}\n{AcceptanceOptions.Usage}");
            return 2;
        }

        var root = Path.GetFullPath(options.Project);
        var configFile = Path.Combine(root, ".wilson", "wilson.yaml");
        var databaseFile = Path.Combine(root, ".wilson", "wilson.db");
        if (!File.Exists(configFile) || !File.Exists(databaseFile))
        {
            await Console.Error.WriteLineAsync($"{root}: not a Wilson project on its embedded store (no .wilson/wilson.yaml or .wilson/wilson.db)");
            return 2;
        }

        ProjectConfig config;
        try
        {
            config = ProjectConfigFile.Parse(configFile, await File.ReadAllTextAsync(configFile, cancellationToken));
        }
        catch (ConfigFormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        if (!string.IsNullOrWhiteSpace(config.Database) || Environment.GetEnvironmentVariable("WILSON_DATABASE") is { Length: > 0 })
        {
            await Console.Error.WriteLineAsync("the report reads the project's embedded SQLite store (.wilson/wilson.db); this project names another database");
            return 2;
        }

        await using var store = await WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(databaseFile), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), TimeProvider.System, cancellationToken);
        var project = await store.FindProjectAsync(config.Name, cancellationToken);
        if (project is null)
        {
            await Console.Error.WriteLineAsync($"{databaseFile}: no project named '{config.Name}'");
            return 2;
        }

        var items = (await store.ListItemsAsync(project.Id, ItemQuery.All, cancellationToken)).Items;
        var plans = options.Plan is { } key
            ? items.Where(i => i.Key == key).ToList()
            : [.. items.Where(i => i.Kind == WorkKind.Plan && i.Parent is null)];
        if (plans.Count == 0)
        {
            await Console.Error.WriteLineAsync(options.Plan is null ? "the project has no plan: run `wilson idea` first" : $"no item {options.Plan} in the project");
            return 2;
        }

        var ledger = await LedgerReader.ReadAsync(databaseFile, project.Id, cancellationToken);
        var allPassed = true;
        foreach (var plan in plans)
        {
            var family = Family(plan, items);
            var figures = new List<ItemFigures>();
            foreach (var item in family)
            {
                var events = await EventsAsync(store, project.Id, item.Key, cancellationToken);
                var executions = new List<Execution>();
                foreach (var listed in await store.ListExecutionsAsync(project.Id, item.Key, cancellationToken))
                {
                    executions.Add(await store.GetExecutionAsync(listed.Id, cancellationToken) ?? listed);
                }

                figures.Add(ItemTimeline.Build(item, events, [.. ledger.Where(c => c.ItemKey == item.Key)], executions));
            }

            var planEvents = await EventsAsync(store, project.Id, plan.Key, cancellationToken);
            var total = Total(figures, planEvents.Count > 0 ? planEvents[0].At.ToUnixTimeMilliseconds() : 0);
            Print(output, plan, figures, total, config, options);
            var checks = Checks(plan, figures, config, options);
            output.WriteLine("checks:");
            foreach (var check in checks)
            {
                output.WriteLine($"  {check}");
            }

            allPassed &= checks.All(c => c.Passed);
        }

        return allPassed ? 0 : 1;
    }

    // The plan, its items, and what they created in turn (bugs a tester reported): as `wilson idea` counts them.
    private static List<WorkItem> Family(WorkItem plan, IReadOnlyList<WorkItem> items)
    {
        var keys = new HashSet<string>([plan.Key], StringComparer.Ordinal);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var item in items.Where(i => i.Parent is { } parent && keys.Contains(parent) && !keys.Contains(i.Key)))
            {
                grew |= keys.Add(item.Key);
            }
        }

        return [.. items.Where(i => keys.Contains(i.Key))];
    }

    private static async Task<List<WorkEvent>> EventsAsync(IWorkStore store, long projectId, string key, CancellationToken cancellationToken)
    {
        var events = new List<WorkEvent>();
        for (var after = 0L; ;)
        {
            var page = await store.ReadEventsAsync(new EventQuery { AfterSequence = after, ProjectId = projectId, ItemKey = key, Limit = 1000 }, cancellationToken);
            events.AddRange(page);
            if (page.Count < 1000)
            {
                return events;
            }

            after = page[^1].Sequence;
        }
    }

    /// <summary>
    /// The idea as a whole, from the plan's creation to the last item's end: a moment counts as model time when
    /// any item was in a model call, else as commands when any ran one, else as waiting when an item waited and
    /// none was busy; what is left is Wilson's own.
    /// </summary>
    private static (TimeSet Wall, TimeSet Model, TimeSet Commands, TimeSet Waiting) Total(List<ItemFigures> figures, long createdAt)
    {
        var ends = figures.SelectMany(f => f.Wall.Spans).Select(s => s.End).ToList();
        var wall = ends.Count > 0 ? TimeSet.Of([(createdAt, ends.Max())]) : TimeSet.Empty;
        var model = figures.Aggregate(TimeSet.Empty, (set, f) => set.Union(f.Model)).Intersect(wall);
        var commands = figures.Aggregate(TimeSet.Empty, (set, f) => set.Union(f.Commands)).Intersect(wall).Except(model);
        var busy = figures.Aggregate(TimeSet.Empty, (set, f) => set.Union(f.Busy));
        var waiting = figures.Aggregate(TimeSet.Empty, (set, f) => set.Union(f.Waits)).Intersect(wall).Except(busy).Except(model).Except(commands);
        return (wall, model, commands, waiting);
    }

    private static void Print(TextWriter output, WorkItem plan, List<ItemFigures> figures, (TimeSet Wall, TimeSet Model, TimeSet Commands, TimeSet Waiting) total, ProjectConfig config, AcceptanceOptions options)
    {
        output.WriteLine($"plan {plan.Key}: {plan.Title}");
        output.WriteLine($"{"item",-6} {"status",-16} {"stage",-9} {"wall",9} {"model",9} {"commands",9} {"waiting",9} {"overhead",9} {"share",6} {"tokens in",10} {"out",8} {"calls",5} {"turns",5} {"runs",4} {"retries",7} {"fixes",5}");
        foreach (var f in figures)
        {
            output.WriteLine(Row(f.Item.Key, f.Item.Status.ToString(), f.Item.Stage, f.WallMs, f.ModelMs, f.CommandsMs, f.WaitingMs,
                f.InputTokens, f.OutputTokens, f.Calls, f.Turns, f.Runs, f.Retries, f.FixAttempts));
        }

        var (wall, model, commands, waiting) = total;
        output.WriteLine(Row("total", "", "", wall.Milliseconds, model.Milliseconds, commands.Milliseconds, waiting.Milliseconds,
            figures.Sum(f => f.InputTokens), figures.Sum(f => f.OutputTokens), figures.Sum(f => f.Calls), figures.Sum(f => f.Turns),
            figures.Sum(f => f.Runs), figures.Sum(f => f.Retries), figures.Sum(f => f.FixAttempts)));
        if (options.ProcessSeconds is { } seconds)
        {
            var outside = seconds - (wall.Milliseconds / 1000.0);
            output.WriteLine(Invariant($"wilson idea --wait ran {seconds:0.0} s: {outside:0.0} s of it outside the total's wall (start-up, the plan's creation, shut-down)"));
        }

        foreach (var f in figures)
        {
            if (f.LongestCall is { } longest)
            {
                var cap = config.Models.Models.TryGetValue(longest.Model, out var model1) ? Invariant($" (cap {model1.MaxOutputTokens:N0})") : "";
                var firstToken = longest.FirstTokenMs is { } ms ? Invariant($", first token after {ms / 1000.0:0.0} s") : ", no token came";
                var atCap = f.CallRows.Count(c => config.Models.Models.TryGetValue(c.Model, out var m) && c.OutputTokens >= m.MaxOutputTokens);
                output.WriteLine(Invariant($"{f.Item.Key}: {f.Calls} call(s), {f.FailedCalls} failed, {atCap} cut at the output cap; longest {longest.DurationMs / 1000.0:0.0} s with {longest.OutputTokens:N0} tokens out{cap}{firstToken}; {Speed(f.CallRows)}"));
            }

            if (f.Item.Status is WorkStatus.Blocked or WorkStatus.Failed or WorkStatus.Cancelled or WorkStatus.AwaitingApproval)
            {
                output.WriteLine($"{f.Item.Key} {f.Item.Status}: {f.LastReason}");
            }
        }
    }

    // How fast the model wrote once it started: tokens out over the time after each call's first token.
    private static string Speed(IReadOnlyList<LedgerCall> calls)
    {
        var writing = calls.Where(c => c.FirstTokenMs is not null && c.OutputTokens > 0).ToList();
        var seconds = writing.Sum(c => c.DurationMs - c.FirstTokenMs!.Value) / 1000.0;
        var durations = calls.Select(c => c.DurationMs).Order().ToList();
        var median = durations.Count == 0 ? 0 : durations[durations.Count / 2] / 1000.0;
        return seconds > 0
            ? Invariant($"median call {median:0.0} s, {writing.Sum(c => c.OutputTokens) / seconds:0.0} tokens/s written after the first token")
            : Invariant($"median call {median:0.0} s");
    }

    private static string Row(string key, string status, string stage, long wall, long model, long commands, long waiting,
        long tokensIn, long tokensOut, int calls, int turns, int runs, int retries, int fixes)
    {
        var overhead = wall - model - commands - waiting;
        var share = wall > 0 ? Invariant($"{100.0 * overhead / wall:0.0}%") : "-";
        return Invariant($"{key,-6} {status,-16} {stage,-9} {Seconds(wall),9} {Seconds(model),9} {Seconds(commands),9} {Seconds(waiting),9} {Seconds(overhead),9} {share,6} {tokensIn,10:N0} {tokensOut,8:N0} {calls,5} {turns,5} {runs,4} {retries,7} {fixes,5}");
    }

    private static string Seconds(long milliseconds) => Invariant($"{milliseconds / 1000.0:0.0}s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // No reason a person can act on: nothing, only the engine's prefix ("plan needs a person: " with the agent's
    // empty summary after it), or a stack trace.
    private static bool Reasonless(string reason) =>
        string.IsNullOrWhiteSpace(reason) || reason.TrimEnd().EndsWith(':') || reason.Contains("   at ", StringComparison.Ordinal);

    private static List<AcceptanceCheck> Checks(WorkItem plan, List<ItemFigures> figures, ProjectConfig config, AcceptanceOptions options)
    {
        var work = figures.Where(f => f.Item.Kind != WorkKind.Plan).ToList();
        var checks = new List<AcceptanceCheck>();
        var unsettled = figures.Where(f => !f.Settled).Select(f => $"{f.Item.Key} is {f.Item.Status} at {f.Item.Stage}").ToList();
        checks.Add(new("every item ended or waits for a person (none Ready, Running or Paused, none approved and not merged)", unsettled.Count == 0, string.Join("; ", unsettled)));

        var open = figures.Where(f => f.OpenExecutions > 0).Select(f => $"{f.Item.Key}: {f.OpenExecutions} open").ToList();
        checks.Add(new("every execution was closed", open.Count == 0, string.Join("; ", open)));

        if (options.ExitCode is { } exitCode)
        {
            var allMerged = work.Count > 0 && work.All(f => f.Item.Status == WorkStatus.Done);
            checks.Add(new($"the exit code ({exitCode}) says what the store says (0 only when every item of the plan is merged)",
                exitCode == (allMerged ? 0 : 1),
                allMerged ? $"all {work.Count} item(s) are Done" : $"{work.Count(f => f.Item.Status == WorkStatus.Done)} of {work.Count} item(s) are Done"));
        }

        var silent = figures.Where(f => f.Item.Status is WorkStatus.Blocked or WorkStatus.Failed)
            .Where(f => Reasonless(f.LastReason))
            .Select(f => $"{f.Item.Key}: '{f.LastReason}'").ToList();
        checks.Add(new("every blocked or failed item says why (a reason after the stage's words, not a stack trace)", silent.Count == 0, string.Join("; ", silent)));

        var calls = figures.SelectMany(f => f.CallRows).ToList();
        var unknown = calls.Select(c => c.Model).Distinct().Where(m => !config.Models.Models.ContainsKey(m)).ToList();
        var overCap = calls.Where(c => config.Models.Models.TryGetValue(c.Model, out var m) && c.OutputTokens > m.MaxOutputTokens)
            .Select(c => Invariant($"{c.ItemKey} execution {c.ExecutionId}: {c.OutputTokens:N0} tokens out")).ToList();
        checks.Add(new("every call's answer stayed within its model's max_output_tokens", overCap.Count == 0 && unknown.Count == 0,
            string.Join("; ", overCap.Concat(unknown.Select(m => $"calls to '{m}', which wilson.yaml does not configure")))));

        var overContext = calls.Where(c => config.Models.Models.TryGetValue(c.Model, out var m) && m.NumCtx is { } ctx && c.InputTokens + c.OutputTokens > ctx)
            .Select(c => Invariant($"{c.ItemKey} execution {c.ExecutionId}: {c.InputTokens:N0} in + {c.OutputTokens:N0} out > num_ctx {config.Models.Models[c.Model].NumCtx:N0}")).ToList();
        checks.Add(new("every call fitted its model's context window (num_ctx)", overContext.Count == 0, string.Join("; ", overContext)));

        var unaccounted = figures.Where(f => f.InputTokens != f.ExecutionInputTokens || f.OutputTokens != f.ExecutionOutputTokens)
            .Select(f => Invariant($"{f.Item.Key}: ledger {f.InputTokens:N0}/{f.OutputTokens:N0}, executions {f.ExecutionInputTokens:N0}/{f.ExecutionOutputTokens:N0}")).ToList();
        checks.Add(new("the executions' token sums match the usage ledger", unaccounted.Count == 0, string.Join("; ", unaccounted)));

        if (options.ExpectNothingBuilt)
        {
            if (options.ExitCode is { } code)
            {
                checks.Add(new("nothing built: wilson idea --wait exited 1", code == 1, $"it exited {code}"));
            }

            var merged = figures.Where(f => f.Merged && f.Item.Kind != WorkKind.Plan).Select(f => f.Item.Key).ToList();
            checks.Add(new("nothing built: no item was merged", merged.Count == 0, string.Join(", ", merged)));
            var notStopped = figures.Where(f => f.Item.Key == plan.Key || f.Item.Status != WorkStatus.Draft)
                .Where(f => f.Item.Status is not (WorkStatus.Blocked or WorkStatus.Failed))
                .Select(f => $"{f.Item.Key} is {f.Item.Status}").ToList();
            checks.Add(new("nothing built: the plan and every item it started ended Blocked or Failed", notStopped.Count == 0, string.Join("; ", notStopped)));
        }

        return checks;
    }
}
