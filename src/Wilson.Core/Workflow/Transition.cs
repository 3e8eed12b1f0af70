using Wilson.Core.Items;

namespace Wilson.Core.Workflow;

/// <summary>A change of stage and status, with who made it and why; it becomes an event.</summary>
public sealed record Transition(
    string Key,
    string FromStage,
    WorkStatus FromStatus,
    string ToStage,
    WorkStatus ToStatus,
    string Reason,
    Actor Actor);
