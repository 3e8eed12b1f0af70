using Wilson.Core.Items;
using Wilson.Core.Pipelines;

namespace Wilson.Core.Workflow;

/// <summary>
/// Where a transition goes: a status (the stage stays) or a stage of the item's pipeline (the
/// status follows from the stage: Ready, AwaitingApproval at a gate, Done at the last stage).
/// </summary>
public sealed record TransitionTarget
{
    private TransitionTarget(WorkStatus? status, string? stage)
    {
        Status = status;
        Stage = stage;
    }

    public WorkStatus? Status { get; }

    public string? Stage { get; }

    public static TransitionTarget ToStatus(WorkStatus status) => new(status, null);

    public static TransitionTarget ToStage(string stage) => new(null, stage);

    /// <summary>
    /// Reads what a person typed: a status name (case and dashes ignored, e.g. <c>awaiting-approval</c>)
    /// or a stage of <paramref name="pipeline"/>. Returns null when it is neither.
    /// </summary>
    public static TransitionTarget? Parse(string text, Pipeline pipeline)
    {
        var normalized = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (Enum.TryParse<WorkStatus>(normalized, ignoreCase: true, out var status) && !int.TryParse(normalized, out _))
        {
            return ToStatus(status);
        }

        return pipeline.FindStage(text) is { } stage ? ToStage(stage.Name) : null;
    }

    public override string ToString() => Status?.ToString() ?? $"stage {Stage}";
}
