using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>Changes to an item's content; null fields stay as they are. Stage and status change only by transition.</summary>
public sealed record ItemEdit
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string>? AcceptanceCriteria { get; init; }

    public IReadOnlyList<string>? DefinitionOfDone { get; init; }

    public WorkKind? Kind { get; init; }

    public ComplexityTier? Tier { get; init; }

    public int? Priority { get; init; }

    public IReadOnlyList<string>? Dependencies { get; init; }

    public ItemContext? Context { get; init; }

    public IReadOnlyList<VerificationStep>? Verification { get; init; }

    public IReadOnlyList<ChecklistStep>? Checklist { get; init; }

    /// <summary>The item with these changes applied.</summary>
    public WorkItem ApplyTo(WorkItem item) => item with
    {
        Title = Title ?? item.Title,
        Description = Description ?? item.Description,
        AcceptanceCriteria = AcceptanceCriteria ?? item.AcceptanceCriteria,
        DefinitionOfDone = DefinitionOfDone ?? item.DefinitionOfDone,
        Kind = Kind ?? item.Kind,
        Tier = Tier ?? item.Tier,
        Priority = Priority ?? item.Priority,
        Dependencies = Dependencies ?? item.Dependencies,
        Context = Context ?? item.Context,
        Verification = Verification ?? item.Verification,
        Checklist = Checklist ?? item.Checklist,
    };
}
