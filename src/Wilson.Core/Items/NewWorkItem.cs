namespace Wilson.Core.Items;

/// <summary>What a person or the planner says about an item that does not exist yet.</summary>
public sealed record NewWorkItem
{
    public required string Title { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> AcceptanceCriteria { get; init; } = [];

    public IReadOnlyList<string> DefinitionOfDone { get; init; } = [];

    public WorkKind Kind { get; init; } = WorkKind.Feature;

    /// <summary>The tier; null to infer it with <see cref="ComplexityHeuristic"/>.</summary>
    public ComplexityTier? Tier { get; init; }

    public int Priority { get; init; } = WorkItemRules.DefaultPriority;

    public string? Parent { get; init; }

    public IReadOnlyList<string> Dependencies { get; init; } = [];

    public ItemContext Context { get; init; } = ItemContext.Empty;

    public IReadOnlyList<VerificationStep> Verification { get; init; } = [];

    public IReadOnlyList<ChecklistStep> Checklist { get; init; } = [];

    /// <summary>The pipeline; null for the project's default.</summary>
    public string? Pipeline { get; init; }

    /// <summary>Keep the item in Draft even when it meets the Definition of Ready.</summary>
    public bool KeepAsDraft { get; init; }

    /// <summary>Every problem with the fields themselves, each naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Title))
        {
            errors.Add("title: must not be empty");
        }
        else if (Title.Length > WorkItemRules.MaxTitleLength)
        {
            errors.Add($"title: longer than {WorkItemRules.MaxTitleLength} characters");
        }

        if (Priority is < WorkItemRules.MinPriority or > WorkItemRules.MaxPriority)
        {
            errors.Add($"priority: {Priority} is outside {WorkItemRules.MinPriority}-{WorkItemRules.MaxPriority} (1 is the most urgent)");
        }

        foreach (var dependency in Dependencies.Where(d => !WorkItemRules.IsKey(d)))
        {
            errors.Add($"depends-on: '{dependency}' is not an item key like T-1");
        }

        if (Parent is not null && !WorkItemRules.IsKey(Parent))
        {
            errors.Add($"parent: '{Parent}' is not an item key like T-1");
        }

        foreach (var step in Verification.Where(s => !VerificationStep.Kinds.Contains(s.Kind)))
        {
            errors.Add($"verification: unknown step '{step.Kind}' (known: {string.Join(", ", VerificationStep.Kinds)})");
        }

        return errors;
    }
}
