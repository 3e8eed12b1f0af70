using Wilson.Core.Items;
using Wilson.Core.Pipelines;

namespace Wilson.Core.Workflow;

/// <summary>
/// The one place where an item's stage and status change. Status changes follow <see cref="StatusRules"/>;
/// a stage change lands the item Ready at that stage (AwaitingApproval at a gate, Done at the last stage).
/// </summary>
public sealed class WorkflowStateMachine(PipelineCatalog pipelines)
{
    private const ActorKind Anyone = ActorKind.Person | ActorKind.Agent | ActorKind.System;
    private const ActorKind Engine = ActorKind.Agent | ActorKind.System;
    private const ActorKind PersonOrSystem = ActorKind.Person | ActorKind.System;

    /// <summary>Which status may follow which, and who may make that move.</summary>
    private static readonly Dictionary<WorkStatus, (WorkStatus To, ActorKind Who)[]> StatusRules = new()
    {
        [WorkStatus.Draft] = [(WorkStatus.Ready, Anyone), (WorkStatus.Cancelled, Anyone)],
        [WorkStatus.Ready] =
        [
            (WorkStatus.Running, ActorKind.System), (WorkStatus.Draft, ActorKind.Person), (WorkStatus.Paused, Anyone),
            (WorkStatus.Blocked, Anyone), (WorkStatus.Cancelled, Anyone),
        ],
        [WorkStatus.Running] =
        [
            (WorkStatus.Ready, ActorKind.System), (WorkStatus.AwaitingApproval, Engine), (WorkStatus.Blocked, Anyone),
            (WorkStatus.Paused, Anyone), (WorkStatus.Failed, Engine), (WorkStatus.Done, Anyone), (WorkStatus.Cancelled, PersonOrSystem),
        ],
        [WorkStatus.AwaitingApproval] =
        [
            (WorkStatus.Done, PersonOrSystem), (WorkStatus.Paused, Anyone), (WorkStatus.Cancelled, PersonOrSystem),
        ],
        [WorkStatus.Blocked] = [(WorkStatus.Ready, Anyone), (WorkStatus.Paused, Anyone), (WorkStatus.Cancelled, Anyone)],
        [WorkStatus.Paused] = [(WorkStatus.Ready, Anyone), (WorkStatus.AwaitingApproval, Anyone), (WorkStatus.Cancelled, Anyone)],
        [WorkStatus.Failed] = [(WorkStatus.Ready, PersonOrSystem), (WorkStatus.Cancelled, Anyone)],
        [WorkStatus.Done] = [],
        [WorkStatus.Cancelled] = [],
    };

    /// <summary>Statuses from which an item may be moved to another stage.</summary>
    private static readonly HashSet<WorkStatus> StageMovableFrom =
    [
        WorkStatus.Ready, WorkStatus.Running, WorkStatus.AwaitingApproval, WorkStatus.Blocked, WorkStatus.Paused, WorkStatus.Failed,
    ];

    public PipelineCatalog Pipelines => pipelines;

    /// <summary>
    /// Applies <paramref name="to"/> to <paramref name="item"/> if the rules allow it for <paramref name="actor"/>.
    /// The returned item has its new stage and status; the caller persists it (and bumps the version).
    /// </summary>
    public TransitionResult TryTransition(WorkItem item, TransitionTarget to, string reason, Actor actor)
    {
        var pipeline = pipelines.Find(item.Pipeline);
        if (pipeline is null)
        {
            return TransitionResult.Refused($"{item.Key}: its pipeline '{item.Pipeline}' is not defined", []);
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return TransitionResult.Refused($"{item.Key}: a transition needs a reason", AllowedTargets(item, pipeline, actor));
        }

        return to.Stage is { } stage
            ? TryMoveToStage(item, pipeline, stage, to, reason, actor)
            : TryMoveToStatus(item, pipeline, to, reason, actor);
    }

    /// <summary>The status a paused item returns to when resumed.</summary>
    public static WorkStatus ResumeStatus(WorkItem item) =>
        item.PausedFrom == WorkStatus.AwaitingApproval ? WorkStatus.AwaitingApproval : WorkStatus.Ready;

    /// <summary>Where <paramref name="actor"/> may move <paramref name="item"/> from where it is.</summary>
    public IReadOnlyList<string> AllowedTargets(WorkItem item, Actor actor)
    {
        var pipeline = pipelines.Find(item.Pipeline);
        return pipeline is null ? [] : AllowedTargets(item, pipeline, actor);
    }

    private static List<string> AllowedTargets(WorkItem item, Pipeline pipeline, Actor actor)
    {
        var targets = StatusRules[item.Status]
            .Where(rule => (rule.Who & actor.Kind) != 0)
            .Select(rule => rule.To.ToString())
            .ToList();
        if (StageMovableFrom.Contains(item.Status))
        {
            targets.AddRange(pipeline.Stages
                .Where(s => s != pipeline.FinalStage || (actor.Kind & PersonOrSystem) != 0)
                .Select(s => $"stage {s.Name}"));
        }

        return targets;
    }

    private static TransitionResult TryMoveToStatus(WorkItem item, Pipeline pipeline, TransitionTarget target, string reason, Actor actor)
    {
        var to = target.Status!.Value;
        var rule = StatusRules[item.Status].FirstOrDefault(r => r.To == to);
        if (rule == default)
        {
            return Refuse(item, pipeline, to.ToString(), actor, "not allowed from there");
        }

        if ((rule.Who & actor.Kind) == 0)
        {
            var why = to == WorkStatus.Running
                ? "an item starts running only when a worker claims it"
                : $"only {DescribeWho(rule.Who)} may make that move";
            return Refuse(item, pipeline, to.ToString(), actor, why);
        }

        if (item.Status == WorkStatus.Paused && to != ResumeStatus(item) && to != WorkStatus.Cancelled)
        {
            return Refuse(item, pipeline, to.ToString(), actor, $"a paused item resumes to {ResumeStatus(item)}, where it was paused");
        }

        if (to == WorkStatus.Ready && item.Status == WorkStatus.Draft && DefinitionOfReady.Check(item) is { Count: > 0 } unmet)
        {
            return TransitionResult.Refused(
                $"{item.Key} is not ready: {string.Join("; ", unmet)}",
                AllowedTargets(item, pipeline, actor));
        }

        var stage = to == WorkStatus.Done ? pipeline.FinalStage.Name : item.Stage;
        var moved = item with
        {
            Status = to,
            Stage = stage,
            PausedFrom = to == WorkStatus.Paused ? item.Status : null,
            Lease = to == WorkStatus.Running ? item.Lease : null,
            NotBefore = to == WorkStatus.Ready ? target.NotBefore : null,
        };
        return TransitionResult.Success(moved, new Transition(item.Key, item.Stage, item.Status, stage, to, reason, actor));
    }

    private static TransitionResult TryMoveToStage(WorkItem item, Pipeline pipeline, string stageName, TransitionTarget target, string reason, Actor actor)
    {
        var stage = pipeline.FindStage(stageName);
        if (stage is null)
        {
            return TransitionResult.Refused(
                $"{item.Key}: pipeline '{pipeline.Name}' has no stage '{stageName}' (stages: {string.Join(", ", pipeline.Stages.Select(s => s.Name))})",
                AllowedTargets(item, pipeline, actor));
        }

        if (!StageMovableFrom.Contains(item.Status))
        {
            return Refuse(item, pipeline, $"stage {stage.Name}", actor, $"a {item.Status} item cannot change stage");
        }

        if (stage == pipeline.FinalStage && (actor.Kind & PersonOrSystem) == 0)
        {
            return Refuse(item, pipeline, $"stage {stage.Name}", actor, $"only {DescribeWho(PersonOrSystem)} may finish an item");
        }

        var status = pipeline.EntryStatus(stage);
        if (string.Equals(stage.Name, item.Stage, StringComparison.Ordinal) && status == item.Status)
        {
            return Refuse(item, pipeline, $"stage {stage.Name}", actor, $"it is already {status} at that stage");
        }

        var moved = item with { Stage = stage.Name, Status = status, PausedFrom = null, Lease = null, NotBefore = status == WorkStatus.Ready ? target.NotBefore : null };
        return TransitionResult.Success(moved, new Transition(item.Key, item.Stage, item.Status, stage.Name, status, reason, actor));
    }

    private static TransitionResult Refuse(WorkItem item, Pipeline pipeline, string to, Actor actor, string why)
    {
        var allowed = AllowedTargets(item, pipeline, actor);
        var list = allowed.Count == 0 ? "none" : string.Join(", ", allowed);
        return TransitionResult.Refused(
            $"{item.Key}: cannot move from {item.Status} (stage {item.Stage}) to {to}: {why}; allowed from {item.Status}: {list}",
            allowed);
    }

    private static string DescribeWho(ActorKind who) =>
        string.Join(" or ", Enum.GetValues<ActorKind>().Where(k => (who & k) != 0).Select(k => k switch
        {
            ActorKind.Person => "a person",
            ActorKind.Agent => "an agent",
            _ => "Wilson",
        }));
}
