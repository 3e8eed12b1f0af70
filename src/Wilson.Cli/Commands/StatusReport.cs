using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workers;

namespace Wilson.Cli.Commands;

/// <summary>What <c>wilson status --json</c> writes.</summary>
internal sealed record StatusReport(
    string Project,
    bool Paused,
    IReadOnlyList<StageStatusCount> Counts,
    IReadOnlyList<WorkItem> Running,
    IReadOnlyList<WorkItem> DeadLetter,
    IReadOnlyList<WorkerStatus> Workers);
