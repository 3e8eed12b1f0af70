using Wilson.Core.Items;

namespace Wilson.Core.Workflow;

/// <summary>
/// The outcome of <see cref="WorkflowStateMachine.TryTransition"/>: the item as it becomes, or
/// why the transition was refused and where the item may go instead.
/// </summary>
public sealed record TransitionResult
{
    private TransitionResult(WorkItem? item, Transition? transition, string? error, IReadOnlyList<string> allowed)
    {
        Item = item;
        Transition = transition;
        Error = error;
        AllowedTargets = allowed;
    }

    public bool Succeeded => Error is null;

    /// <summary>The item after the transition; null when refused.</summary>
    public WorkItem? Item { get; }

    public Transition? Transition { get; }

    /// <summary>Why the transition was refused; null when it succeeded.</summary>
    public string? Error { get; }

    /// <summary>Where the item could go from where it is, for the actor who asked.</summary>
    public IReadOnlyList<string> AllowedTargets { get; }

    public static TransitionResult Success(WorkItem item, Transition transition) => new(item, transition, null, []);

    public static TransitionResult Refused(string error, IReadOnlyList<string> allowed) => new(null, null, error, allowed);
}
