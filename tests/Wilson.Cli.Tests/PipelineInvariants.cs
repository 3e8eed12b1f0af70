using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Roles;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Cli.Tests;

/// <summary>
/// What must hold after any run of the pipeline, whatever its model did (DESIGN.md section 8): each check returns
/// the violations it found, in words that name the invariant, the item and what was seen.
/// <list type="number">
/// <item>Items stay within the plan's bounds, and only a plan's planner (or a tester or security agent reporting a bug) creates them.</item>
/// <item>Nothing reaches the default branch without its tests passing there.</item>
/// <item>No summary claims work that was not done: the verdict agrees with the store, a pass has its evidence in its transcript.</item>
/// <item>Every item ends where a person can see it (Done, Blocked or Failed with a reason, Cancelled, awaiting a person's
/// approval, or Ready behind a dependency that waits for a person), never Running with nobody on it nor Ready forgotten.</item>
/// <item>Wilson never crashes.</item>
/// <item>Spend stays within the item budget, give or take the one call the budget cannot see the end of.</item>
/// </list>
/// </summary>
internal static partial class PipelineInvariants
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private static readonly PipelineCatalog Pipelines = PipelineCatalog.BuiltIn();

    public static async Task<IReadOnlyList<string>> CheckAsync(FuzzCase fuzzCase, FuzzProject project, FuzzRun run, PipelineRecord record, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        var plan = record.Items.FirstOrDefault(i => i.Kind == WorkKind.Plan && i.Parent is null);
        if (plan is null)
        {
            violations.Add("[3 claims] the idea left no plan item in the store");
            return violations;
        }

        violations.AddRange(Bounds(record));
        violations.AddRange(await MergesAsync(project, record, cancellationToken));
        violations.AddRange(fuzzCase.Serve ? [] : Verdict(run, record, plan));
        violations.AddRange(Evidence(record));
        violations.AddRange(Ends(record));
        violations.AddRange(Crashes(fuzzCase, run));
        violations.AddRange(Budgets(record));
        return violations;
    }

    // 1. Every plan's family within planning.max_items; items made by agents only where they may be.
    private static IEnumerable<string> Bounds(PipelineRecord record)
    {
        foreach (var plan in record.Items.Where(i => i.Kind == WorkKind.Plan))
        {
            var family = record.FamilyOf(plan.Key);
            if (family.Count > FuzzProject.MaxItems)
            {
                yield return $"[1 bounds] plan {plan.Key} holds {family.Count} items ({string.Join(", ", family.Select(i => i.Key))}), more than planning.max_items {FuzzProject.MaxItems}";
            }
        }

        foreach (var created in record.Events.Where(e => e.Type == EventTypes.ItemCreated && e.Actor.Kind == ActorKind.Agent))
        {
            var item = record.Item(created.ItemKey!);
            var parent = item?.Parent is { } key ? record.Item(key) : null;
            if (item is null || parent is null)
            {
                yield return $"[1 bounds] {created.ItemKey} was created by {created.Actor} with no parent item";
                continue;
            }

            // The stage the parent's agent was at when it created the item: its last execution started before.
            var stage = record.EventsOf(parent.Key, EventTypes.ExecutionStarted).LastOrDefault(e => e.Sequence < created.Sequence) is { } started
                ? PipelineRecord.Text(started, "stage")
                : null;
            if (parent.Kind == WorkKind.Plan)
            {
                if (created.Actor.Name != RoleCatalog.Planner || stage != "plan")
                {
                    yield return $"[1 bounds] {item.Key} was created on plan {parent.Key} by {created.Actor} at stage {stage ?? "(none running)"}, not by its planner at its plan stage";
                }
            }
            else if (stage is null or "plan" || item.Kind != WorkKind.Bug || created.Actor.Name is not (RoleCatalog.Tester or RoleCatalog.Security))
            {
                yield return $"[1 bounds] {item.Key} ({item.Kind}) was created on {parent.Key}, which is not a plan, by {created.Actor} at its stage {stage ?? "(none running)"}: only a tester's or security agent's bug may be";
            }
        }
    }

    // 2. Every commit on the default branch after the first is a merge Wilson made, and the tests pass at each.
    private static async Task<IEnumerable<string>> MergesAsync(FuzzProject project, PipelineRecord record, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        var chain = (await GitRunner.RunAsync(project.Path, "rev-list", "--first-parent", "--parents", FuzzProject.Branch))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToList();
        foreach (var commit in chain.Take(chain.Count - 1))
        {
            var subject = (await GitRunner.RunAsync(project.Path, "log", "-1", "--format=%s", commit[0])).Trim();
            if (commit.Length != 3 || !subject.StartsWith("wilson: merge T-", StringComparison.Ordinal))
            {
                violations.Add($"[2 merges] {commit[0][..10]} '{subject}' reached {FuzzProject.Branch} but is not a merge Wilson made");
                continue;
            }

            var (exitCode, output) = await TestsAtAsync(project, commit[0], cancellationToken);
            if (exitCode != 0)
            {
                violations.Add($"[2 merges] the tests fail at {commit[0][..10]} '{subject}' on {FuzzProject.Branch} (exit {exitCode}):\n{output}");
            }
        }

        var onMain = chain.Select(c => c[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var merged in record.Events.Where(e => e.Type == EventTypes.ItemMerged && PipelineRecord.Text(e, "how") == "merged"))
        {
            if (PipelineRecord.Text(merged, "commit") is not { } commit || !onMain.Contains(commit.Trim()))
            {
                violations.Add($"[2 merges] {merged.ItemKey} says it was merged as {PipelineRecord.Text(merged, "commit")}, which is not on {FuzzProject.Branch}");
            }
        }

        return violations;
    }

    /// <summary>Runs the project's tests on a clean copy of <paramref name="commit"/> (git archive): the exit code, -1 when they did not end.</summary>
    private static async Task<(int ExitCode, string Output)> TestsAtAsync(FuzzProject project, string commit, CancellationToken cancellationToken)
    {
        using var copy = new TempDirectory("wilson-fuzz-tests");
        var (archived, archiveOutput) = await RunAsync(project.Path, $"git archive --format=tar {commit} | tar -x -C '{copy.Path}'", cancellationToken);
        return archived != 0 ? (archived, $"git archive failed: {archiveOutput}") : await RunAsync(copy.Path, FuzzProject.TestCommand, cancellationToken);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("sh", ["-c", command])
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        start.Environment["GIT_CEILING_DIRECTORIES"] = Cli.TempRoot;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"`{command}` did not end within {TestTimeout.TotalSeconds} s");
        }

        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    // 3. The verdict of idea --wait says what the store says, and the exit code follows it.
    private static IEnumerable<string> Verdict(FuzzRun run, PipelineRecord record, WorkItem plan)
    {
        if (run.Verdict is not { } verdict)
        {
            yield break; // No verdict is a crash: Crashes says so.
        }

        var work = record.FamilyOf(plan.Key).Where(i => i.Kind != WorkKind.Plan).ToList();
        var merged = work.Count(i => i.Status == WorkStatus.Done && record.Merged(i.Key));
        var claimed = ClaimedCounts(verdict);
        if (claimed is not { } said)
        {
            yield return $"[3 claims] the verdict cannot be read: '{verdict}'";
        }
        else if (said.Merged != merged || said.Total != work.Count)
        {
            yield return $"[3 claims] the verdict says {said.Merged} of {said.Total} items merged, the store {merged} of {work.Count}: '{verdict}'";
        }

        // Success is every item merged and the plan done: a planner that stopped for a person may not have made them all.
        var allMerged = work.Count > 0 && merged == work.Count && plan.Status == WorkStatus.Done;
        if ((run.ExitCode == 0) != allMerged)
        {
            yield return $"[3 claims] idea --wait exited {run.ExitCode} with {merged} of {work.Count} items merged and the plan {plan.Status}";
        }

        // The table above the verdict: each item's status as the store has it.
        foreach (var item in work.Append(plan))
        {
            var line = run.Stdout.Split('\n').LastOrDefault(l => l.StartsWith($"{item.Key,-6} ", StringComparison.Ordinal));
            if (line is null || !line.StartsWith($"{item.Key,-6} {item.Status,-17} ", StringComparison.Ordinal))
            {
                yield return $"[3 claims] idea --wait shows {item.Key} as '{line?.Trim()}', the store has it {item.Status}";
            }
        }
    }

    /// <summary>The merged and total counts the verdict claims; null when it says neither.</summary>
    public static (int Merged, int Total)? ClaimedCounts(string verdict)
    {
        if (verdict.StartsWith("Nothing was built:", StringComparison.Ordinal))
        {
            return (0, 0);
        }

        if (verdict.StartsWith("The plan is done: its one item is merged", StringComparison.Ordinal))
        {
            return (1, 1);
        }

        if (AllMerged().Match(verdict) is { Success: true } all)
        {
            var count = int.Parse(all.Groups[1].Value, CultureInfo.InvariantCulture);
            return (count, count);
        }

        return SomeMerged().Match(verdict) is { Success: true } some
            ? (int.Parse(some.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(some.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    // 3. A pass carries its evidence: a tester ran the tests (and saw what its stage wants), a reviewer, security or docs
    // agent read the change, a plan's planner made items; Done means merged. A mechanical pass (a trivial item, no model)
    // claims no more than its checks.
    private static IEnumerable<string> Evidence(PipelineRecord record)
    {
        foreach (var execution in record.Executions.Where(e => e.Result == ExecutionResult.Pass))
        {
            var item = record.Item(execution.ItemKey)!;
            if (Mechanical(execution))
            {
                if (!execution.Summary.StartsWith("trivial work", StringComparison.Ordinal) || item.Tier != ComplexityTier.Trivial)
                {
                    yield return $"[3 claims] execution {execution.Id} of {item.Key} ({item.Tier}) passed {execution.Stage} with no model and no transcript: '{Cut(execution.Summary)}'";
                }

                continue;
            }

            var calls = Calls(execution).ToList();
            switch (execution.Role)
            {
                case RoleCatalog.Tester:
                    // run_tests answers "exit N" on its first line when the command ran to its end.
                    var exits = calls.Where(c => c.Name == ToolNames.RunTests).Select(c => ExitCode(c.Result)).OfType<int>().ToList();
                    var wantsFailing = Pipelines.Get(item.Pipeline).FindStage(execution.Stage)?.Expect == StageExpectation.TestsFail;
                    if (wantsFailing ? !exits.Any(code => code != 0) : exits.Count == 0 || exits[^1] != 0)
                    {
                        yield return $"[3 claims] the tester's execution {execution.Id} of {item.Key} passed {execution.Stage} without a run_tests that {(wantsFailing ? "failed" : "passed")}: {Show(calls)}";
                    }

                    break;
                case RoleCatalog.Reviewer or RoleCatalog.Security or RoleCatalog.Docs:
                    if (!calls.Any(c => c.Name == ToolNames.GitDiff && !c.Result.StartsWith("error:", StringComparison.Ordinal)))
                    {
                        yield return $"[3 claims] the {execution.Role}'s execution {execution.Id} of {item.Key} passed {execution.Stage} without reading the change (git_diff): {Show(calls)}";
                    }

                    break;
                case RoleCatalog.Planner when item.Kind == WorkKind.Plan:
                    if (!record.Items.Any(i => i.Parent == item.Key))
                    {
                        yield return $"[3 claims] the planner's execution {execution.Id} passed plan {item.Key}, which has no items";
                    }

                    break;
            }
        }

        foreach (var item in record.Items.Where(i => i.Status == WorkStatus.Done && !record.Merged(i.Key)))
        {
            yield return $"[3 claims] {item.Key} is Done without an item.merged event that says it was merged";
        }
    }

    // 4. Where every item ended: in a state a person can see and act on, none Running with nobody on it, none forgotten.
    private static IEnumerable<string> Ends(PipelineRecord record)
    {
        foreach (var item in record.Items)
        {
            var last = record.LastTransition(item.Key);
            switch (item.Status)
            {
                case WorkStatus.Done or WorkStatus.Cancelled:
                    break;
                case WorkStatus.Blocked or WorkStatus.Failed:
                    var reason = last?.Reason ?? "";
                    // Not empty, not a heading with nothing after it ("plan needs a person: "), not a stack trace.
                    if (last?.ToStatus != item.Status.ToString() || reason.Trim().Length < 10 || reason.TrimEnd().EndsWith(':')
                        || reason.Contains("Exception", StringComparison.Ordinal) || reason.Contains("\n   at ", StringComparison.Ordinal))
                    {
                        yield return $"[4 ends] {item.Key} is {item.Status} at {item.Stage} without a reason a person can act on: '{Cut(reason)}'";
                    }

                    break;
                case WorkStatus.AwaitingApproval:
                    if (!record.WaitsForAPerson(item))
                    {
                        yield return $"[4 ends] {item.Key} is AwaitingApproval at {item.Stage} but no person was asked (or it was decided and left)";
                    }

                    break;
                case WorkStatus.Ready when PipelineRecord.HeldBy(item, record.Items, record.WaitsForAPerson) is not null:
                    // It cannot start before a person unblocks what it depends on: held, not forgotten.
                    break;
                default:
                    yield return $"[4 ends] {item.Key} ({item.Kind}) is left {item.Status} at {item.Stage}{(item.Lease is { } lease ? $", leased to {lease.Owner}" : "")}; last move: '{Cut(last?.Reason ?? "none")}'";
                    break;
            }
        }
    }

    // 5. The run ended by itself, with an exit code it may have, no exception on stderr, and its last word said.
    private static IEnumerable<string> Crashes(FuzzCase fuzzCase, FuzzRun run)
    {
        if (run.TimedOut)
        {
            yield return $"[5 crash] the run did not {(fuzzCase.Serve ? "settle" : "end")} within {run.Elapsed.TotalSeconds:0} s";
        }

        if (run.ExitCode is not (0 or 1))
        {
            yield return $"[5 crash] the exit code is {run.ExitCode}";
        }

        if (run.Stderr.Length > 0)
        {
            yield return $"[5 crash] stderr is not empty:\n{Cut(run.Stderr)}";
        }

        if (fuzzCase.Serve ? !run.Stdout.Contains("Wilson stopped", StringComparison.Ordinal) : run.Verdict is null)
        {
            yield return fuzzCase.Serve ? "[5 crash] serve did not say it stopped" : "[5 crash] idea --wait printed no verdict";
        }
    }

    // 6. An item's calls stop at models.budgets.item_tokens. The budget is checked before each call on the tokens
    // spent so far and the call's estimated input; what the call then answers (up to max_output_tokens) and the
    // estimate's error land after the check. So everything before an item's last call is within the budget, and
    // the last call may pass it by its own size: the slack is exactly one call, whatever its size.
    private static IEnumerable<string> Budgets(PipelineRecord record)
    {
        foreach (var calls in record.Calls.Where(c => c.ItemKey is not null).GroupBy(c => c.ItemKey!))
        {
            var ordered = calls.OrderBy(c => c.Id).ToList();
            var beforeLast = ordered.Take(ordered.Count - 1).Sum(c => c.Tokens);
            var executions = record.Executions.Where(e => e.ItemKey == calls.Key).Sum(e => e.TokensIn + e.TokensOut);
            if (beforeLast > FuzzProject.ItemTokens)
            {
                yield return $"[6 budget] {calls.Key} spent {beforeLast:N0} tokens before its last call ({ordered[^1].Tokens:N0} more), over item_tokens {FuzzProject.ItemTokens:N0}";
            }

            if (executions > ordered.Sum(c => c.Tokens))
            {
                yield return $"[6 budget] {calls.Key}'s executions count {executions:N0} tokens, more than its {ordered.Sum(c => c.Tokens):N0} in the ledger";
            }
        }
    }

    /// <summary>True for a stage passed by its checks alone (a trivial item): no model, no transcript.</summary>
    public static bool Mechanical(Execution execution) => execution.Model is null && execution.Transcript.Count == 0;

    /// <summary>Every call of an execution's transcript with its result.</summary>
    public static IEnumerable<(string Name, string Result)> Calls(Execution execution)
    {
        foreach (var step in execution.Transcript)
        {
            using var calls = JsonDocument.Parse(step.ToolCallsJson);
            using var results = JsonDocument.Parse(step.ToolResultsJson);
            var names = calls.RootElement.EnumerateArray().Select(c => c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "").ToList();
            var texts = results.RootElement.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.String ? r.GetString() ?? "" : r.GetRawText()).ToList();
            for (var i = 0; i < names.Count; i++)
            {
                yield return (names[i], i < texts.Count ? texts[i] : "");
            }
        }
    }

    private static int? ExitCode(string result) =>
        ExitLine().Match(result) is { Success: true } exit ? int.Parse(exit.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    private static string Show(IEnumerable<(string Name, string Result)> calls) =>
        string.Join("; ", calls.Select(c => $"{c.Name} -> {Cut(c.Result.Split('\n')[0])}").DefaultIfEmpty("no calls"));

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "...";

    [GeneratedRegex(@"^exit (-?\d+)(?:\n|$)")]
    private static partial Regex ExitLine();

    [GeneratedRegex(@"^The plan is done: all (\d+) items are merged into ")]
    private static partial Regex AllMerged();

    [GeneratedRegex(@"^(\d+) of (\d+) items? merged into ")]
    private static partial Regex SomeMerged();
}
