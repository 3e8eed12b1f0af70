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

    /// <summary>When the item may be claimed again after the move (a retry's wait); null for at once.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public static TransitionTarget ToStatus(WorkStatus status) => new(status, null);

    public static TransitionTarget ToStage(string stage) => new(null, stage);

    /// <summary>
    /// Reads what a person typed: a stage of <paramref name="pipeline"/>, or a status name (case and
    /// dashes ignored, e.g. <c>awaiting-approval</c>). A stage wins, so <c>done</c> means the final
    /// stage (which lands the item Done) and a custom stage named like a status stays reachable.
    /// Returns null when it is neither.
    /// </summary>
    public static TransitionTarget? Parse(string text, Pipeline pipeline)
    {
        if (pipeline.FindStage(text.Trim()) is { } stage)
        {
            return ToStage(stage.Name);
        }

        var normalized = text.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);

        // Match names only: Enum.TryParse also reads numbers and comma lists ("ready,running" is Ready|Running = AwaitingApproval).
        if (Enum.GetNames<WorkStatus>().FirstOrDefault(n => string.Equals(n, normalized, StringComparison.OrdinalIgnoreCase)) is { } name)
        {
            return ToStatus(Enum.Parse<WorkStatus>(name));
        }

        return null;
    }

    public override string ToString() => Status?.ToString() ?? $"stage {Stage}";
}
