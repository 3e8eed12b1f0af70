using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>A project at a glance: counts by stage and status, what is running, what is dead-lettered.</summary>
public sealed record StatusSummary(
    IReadOnlyList<StageStatusCount> Counts,
    IReadOnlyList<WorkItem> Running,
    IReadOnlyList<WorkItem> DeadLetter,
    bool ProjectPaused);
