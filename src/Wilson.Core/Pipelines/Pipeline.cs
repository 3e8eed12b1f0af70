using Wilson.Core.Items;

namespace Wilson.Core.Pipelines;

/// <summary>
/// An ordered list of stages an item goes through. The last stage is where finished items rest;
/// it has no role. Pipelines are data: built in or read from <c>.wilson/pipelines/*.yaml</c>.
/// </summary>
public sealed record Pipeline(string Name, string? Description, IReadOnlyList<PipelineStage> Stages, string Source)
{
    /// <summary>The agent roles a stage may name.</summary>
    public static readonly IReadOnlyList<string> Roles = Wilson.Core.Roles.RoleCatalog.Roles;

    public PipelineStage FirstStage => Stages[0];

    public PipelineStage FinalStage => Stages[^1];

    public PipelineStage? FindStage(string name) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The stage after <paramref name="name"/>; null at the final stage.</summary>
    public PipelineStage? NextStage(string name)
    {
        var index = IndexOf(name);
        return index >= 0 && index < Stages.Count - 1 ? Stages[index + 1] : null;
    }

    /// <summary>
    /// Where work at <paramref name="stageName"/> goes back to be fixed (a rejection, a failed merge): the
    /// stage's <c>on_fail</c>, else the first developer stage, else the first stage.
    /// </summary>
    public PipelineStage FixingStage(string stageName) =>
        FindStage(FindStage(stageName)?.OnFail ?? "") ?? Stages.FirstOrDefault(s => s.Role == "developer") ?? FirstStage;

    public int IndexOf(string name)
    {
        for (var i = 0; i < Stages.Count; i++)
        {
            if (string.Equals(Stages[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The status an item has on entering <paramref name="stage"/>.</summary>
    public WorkStatus EntryStatus(PipelineStage stage) =>
        ReferenceEquals(stage, FinalStage) || stage == FinalStage ? WorkStatus.Done
        : stage.Gate == StageGate.Approval && stage.Role is null ? WorkStatus.AwaitingApproval
        : WorkStatus.Ready;
}
