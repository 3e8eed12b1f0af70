namespace Wilson.Core.Items;

/// <summary>
/// The unit of work. <see cref="Stage"/> is where it is in its pipeline (a board column);
/// <see cref="Status"/> is what is happening to it. Change both only through
/// <c>WorkflowStateMachine.TryTransition</c>.
/// </summary>
public sealed record WorkItem
{
    public required long Id { get; init; }

    public required long ProjectId { get; init; }

    /// <summary>The per-project key, <c>T-1</c>, <c>T-2</c>, ...</summary>
    public required string Key { get; init; }

    public required string Title { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> AcceptanceCriteria { get; init; } = [];

    public IReadOnlyList<string> DefinitionOfDone { get; init; } = [];

    public WorkKind Kind { get; init; } = WorkKind.Feature;

    public ComplexityTier Tier { get; init; } = ComplexityTier.Standard;

    /// <summary>1 is the most urgent, 10 the least; 5 by default.</summary>
    public int Priority { get; init; } = WorkItemRules.DefaultPriority;

    /// <summary>Key of the parent item, if this one was split from it.</summary>
    public string? Parent { get; init; }

    /// <summary>Keys of the items that must be Done before this one may run.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    public ItemContext Context { get; init; } = ItemContext.Empty;

    public IReadOnlyList<VerificationStep> Verification { get; init; } = [];

    public IReadOnlyList<ChecklistStep> Checklist { get; init; } = [];

    /// <summary>Name of the pipeline the item runs through.</summary>
    public required string Pipeline { get; init; }

    public required string Stage { get; init; }

    public required WorkStatus Status { get; init; }

    /// <summary>The status the item had when it was paused; resume returns to it.</summary>
    public WorkStatus? PausedFrom { get; init; }

    /// <summary>Runs that ended without a result (lease expired); the dead letter counts these.</summary>
    public int Attempts { get; init; }

    public Lease? Lease { get; init; }

    /// <summary>Not to be claimed before this time: the wait before a retry. Null: at once.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Optimistic concurrency token: every write increments it.</summary>
    public long Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Checklist progress as done/total, e.g. (2, 5).</summary>
    public (int Done, int Total) Progress => (Checklist.Count(step => step.Done), Checklist.Count);
}
