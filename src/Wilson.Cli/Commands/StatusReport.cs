using Wilson.Core.Items;
using Wilson.Core.Storage;

namespace Wilson.Cli.Commands;

/// <summary>What <c>wilson status --json</c> writes.</summary>
internal sealed record StatusReport(
    string Project,
    bool Paused,
    IReadOnlyList<StageStatusCount> Counts,
    IReadOnlyList<WorkItem> Running,
    IReadOnlyList<WorkItem> DeadLetter,
    IReadOnlyList<RunningAgent> Agents);

/// <summary>What the agent on a running item is doing: its worker, role, step, and since when (from its open execution).</summary>
internal sealed record RunningAgent(string Item, string Worker, string Stage, string Role, string? Model, int Step, DateTimeOffset StartedAt);
