using System.Text.Json;
using System.Text.RegularExpressions;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;

namespace Wilson.Bench.Acceptance;

/// <summary>
/// Cuts one item's life into model, commands, waiting and Wilson's own time, from the records a run leaves:
/// its events (transitions, tool calls and results, notices, approvals, merges; each stamped when it was
/// written), its model calls in the ledger (sent at, duration) and its executions with their transcripts.
/// </summary>
internal static partial class ItemTimeline
{
    public static ItemFigures Build(WorkItem item, IReadOnlyList<WorkEvent> events, IReadOnlyList<LedgerCall> calls, IReadOnlyList<Execution> executions)
    {
        var transitions = events.Where(e => e.Type == EventTypes.ItemTransitioned).ToList();
        var firstClaim = transitions.FirstOrDefault(e => StatusAfter(e) == nameof(WorkStatus.Running));
        var settledOrCut = transitions.Count > 0 ? transitions[^1].At.ToUnixTimeMilliseconds() : 0;
        var lastEvent = events.Count > 0 ? events[^1].At.ToUnixTimeMilliseconds() : 0;
        var start = firstClaim?.At.ToUnixTimeMilliseconds();
        var end = item.Status is WorkStatus.Ready or WorkStatus.Running or WorkStatus.Paused ? lastEvent : settledOrCut;
        var wall = start is { } s && end > s ? TimeSet.Of([(s, end)]) : TimeSet.Empty;

        var (waits, busy, approvedSinceLastWait) = Segments(events, end);
        var model = TimeSet.Of(calls.Select(c => (c.At, c.EndsAt))).Intersect(wall);
        var commands = TimeSet.Of(CommandSpans(events).Concat(busy.Merge).Concat(MechanicalSpans(executions)))
            .Intersect(wall).Except(model);
        var waiting = TimeSet.Of(waits).Intersect(wall).Except(model).Except(commands);

        var stagesRun = new HashSet<string>(StringComparer.Ordinal);
        var retries = executions.Count(e => !stagesRun.Add(e.Stage));
        var reason = transitions.Count > 0 && Payload(transitions[^1]).TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
        return new ItemFigures
        {
            Item = item,
            Wall = wall,
            Model = model,
            Commands = commands,
            Waiting = waiting,
            Waits = TimeSet.Of(waits),
            Busy = TimeSet.Of(busy.Running.Concat(busy.Merge)).Intersect(wall),
            InputTokens = calls.Sum(c => c.InputTokens),
            OutputTokens = calls.Sum(c => c.OutputTokens),
            ExecutionInputTokens = executions.Sum(e => e.TokensIn),
            ExecutionOutputTokens = executions.Sum(e => e.TokensOut),
            Calls = calls.Count,
            FailedCalls = calls.Count(c => c.Outcome != "ok"),
            Turns = executions.Sum(e => e.Transcript.Count),
            Runs = executions.Count,
            Retries = retries,
            FixAttempts = events.Count(e => e.Type == EventTypes.AgentNotice && AttemptStarted().Match(Text(e)) is { Success: true } m && m.Groups[1].Value != "1"),
            OpenExecutions = executions.Count(e => e.EndedAt is null),
            LongestCall = calls.MaxBy(c => c.DurationMs),
            LastReason = reason,
            Merged = events.Any(e => e.Type == EventTypes.ItemMerged && Payload(e).TryGetProperty("merged", out var m) && m.ValueKind == JsonValueKind.True),
            ApprovedSinceLastWait = approvedSinceLastWait,
            CallRows = calls,
        };
    }

    // The status from one change to the next (item.created, then each transition): Ready, Paused, Blocked and
    // Draft are waits; AwaitingApproval is a wait until it is approved, then the merge; Running is busy. The
    // last status lasts until the end.
    private static ((long, long)[] Waits, (List<(long, long)> Running, List<(long, long)> Merge) Busy, bool ApprovedSinceLastWait) Segments(
        IReadOnlyList<WorkEvent> events, long end)
    {
        var changes = events.Where(e => e.Type is EventTypes.ItemCreated or EventTypes.ItemTransitioned).ToList();
        var waits = new List<(long, long)>();
        var running = new List<(long, long)>();
        var merge = new List<(long, long)>();
        var approvedSinceLastWait = false;
        for (var i = 0; i < changes.Count; i++)
        {
            var from = changes[i].At.ToUnixTimeMilliseconds();
            var to = i + 1 < changes.Count ? changes[i + 1].At.ToUnixTimeMilliseconds() : end;
            switch (StatusAfter(changes[i]))
            {
                case nameof(WorkStatus.Running):
                    running.Add((from, to));
                    break;
                case nameof(WorkStatus.AwaitingApproval):
                    var next = i + 1 < changes.Count ? changes[i + 1].Sequence : long.MaxValue;
                    var approval = events.FirstOrDefault(e => e.Type == EventTypes.ItemApproved && e.Sequence > changes[i].Sequence && e.Sequence < next);
                    var approvedAt = approval?.At.ToUnixTimeMilliseconds() ?? to;
                    waits.Add((from, approvedAt));
                    merge.Add((approvedAt, to));
                    approvedSinceLastWait = approval is not null;
                    break;
                default:
                    waits.Add((from, to));
                    break;
            }
        }

        return ([.. waits], (running, merge), approvedSinceLastWait);
    }

    // A command an agent ran: from its tool call to its result (or the end of its execution, if it was cut off);
    // a verification: from the agent's pass to the notice that says how the checks went.
    private static IEnumerable<(long, long)> CommandSpans(IReadOnlyList<WorkEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Type == EventTypes.AgentToolCall && Text(e) is var call && (call.StartsWith("run_command(", StringComparison.Ordinal) || call.StartsWith("run_tests(", StringComparison.Ordinal)))
            {
                var execution = ExecutionId(e);
                var result = events.Skip(i + 1).FirstOrDefault(n => ExecutionId(n) == execution && n.Type is EventTypes.AgentToolResult or EventTypes.ExecutionFinished);
                if (result is not null)
                {
                    yield return (e.At.ToUnixTimeMilliseconds(), result.At.ToUnixTimeMilliseconds());
                }
            }
            else if (e.Type == EventTypes.AgentNotice && VerificationEnded().IsMatch(Text(e)))
            {
                var execution = ExecutionId(e);
                var pass = events.Take(i).LastOrDefault(n => n.Type == EventTypes.AgentNotice && ExecutionId(n) == execution && Text(n).StartsWith("Pass: ", StringComparison.Ordinal));
                if (pass is not null)
                {
                    yield return (pass.At.ToUnixTimeMilliseconds(), e.At.ToUnixTimeMilliseconds());
                }
            }
        }
    }

    // A trivial item's stage checked without an agent: the whole execution is its checks.
    private static IEnumerable<(long, long)> MechanicalSpans(IReadOnlyList<Execution> executions) =>
        executions.Where(e => e.Transcript.Count == 0 && e.VerificationReport is not null && e.EndedAt is not null)
            .Select(e => (e.StartedAt.ToUnixTimeMilliseconds(), e.EndedAt!.Value.ToUnixTimeMilliseconds()));

    private static string StatusAfter(WorkEvent change)
    {
        var payload = Payload(change);
        var status = change.Type == EventTypes.ItemCreated ? payload.GetProperty("status") : payload.GetProperty("to").GetProperty("status");
        return status.GetString() ?? "";
    }

    private static JsonElement Payload(WorkEvent e)
    {
        using var document = JsonDocument.Parse(e.PayloadJson);
        return document.RootElement.Clone();
    }

    private static string Text(WorkEvent e) => Payload(e).TryGetProperty("text", out var text) ? text.GetString() ?? "" : "";

    private static long? ExecutionId(WorkEvent e) => Payload(e).TryGetProperty("executionId", out var id) && id.TryGetInt64(out var value) ? value : null;

    // The self-fix loop's notices: "attempt 2 of 3" as an attempt starts, "verification failed on attempt 2:..." after its checks.
    [GeneratedRegex(@"^attempt (\d+) of \d+$")]
    private static partial Regex AttemptStarted();

    [GeneratedRegex(@"^verification (passed|failed) on attempt \d+")]
    private static partial Regex VerificationEnded();
}
