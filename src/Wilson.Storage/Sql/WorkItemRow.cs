using Wilson.Core.Items;

namespace Wilson.Storage.Sql;

/// <summary>A row of <c>work_items</c> as Dapper reads and writes it.</summary>
internal sealed class WorkItemRow
{
    public const string Columns =
        "id, project_id, key, title, description, acceptance_criteria, definition_of_done, kind, tier, priority, parent, " +
        "dependencies, context, verification, checklist, pipeline, stage, status, paused_from, attempts, lease_owner, " +
        "lease_expires_at, version, created_at, updated_at";

    public long Id { get; set; }
    public long ProjectId { get; set; }
    public string Key { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public string AcceptanceCriteria { get; set; } = "[]";
    public string DefinitionOfDone { get; set; } = "[]";
    public string Kind { get; set; } = "";
    public string Tier { get; set; } = "";
    public int Priority { get; set; }
    public string? Parent { get; set; }
    public string Dependencies { get; set; } = "[]";
    public string Context { get; set; } = "{}";
    public string Verification { get; set; } = "[]";
    public string Checklist { get; set; } = "[]";
    public string Pipeline { get; set; } = "";
    public string Stage { get; set; } = "";
    public string Status { get; set; } = "";
    public string? PausedFrom { get; set; }
    public int Attempts { get; set; }
    public string? LeaseOwner { get; set; }
    public long? LeaseExpiresAt { get; set; }
    public long Version { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }

    public static WorkItemRow From(WorkItem item) => new()
    {
        Id = item.Id,
        ProjectId = item.ProjectId,
        Key = item.Key,
        Title = item.Title,
        Description = item.Description,
        AcceptanceCriteria = StoreJson.Write(item.AcceptanceCriteria),
        DefinitionOfDone = StoreJson.Write(item.DefinitionOfDone),
        Kind = item.Kind.ToString(),
        Tier = item.Tier.ToString(),
        Priority = item.Priority,
        Parent = item.Parent,
        Dependencies = StoreJson.Write(item.Dependencies),
        Context = StoreJson.Write(item.Context),
        Verification = StoreJson.Write(item.Verification),
        Checklist = StoreJson.Write(item.Checklist),
        Pipeline = item.Pipeline,
        Stage = item.Stage,
        Status = item.Status.ToString(),
        PausedFrom = item.PausedFrom?.ToString(),
        Attempts = item.Attempts,
        LeaseOwner = item.Lease?.Owner,
        LeaseExpiresAt = item.Lease?.ExpiresAt.ToUnixTimeMilliseconds(),
        Version = item.Version,
        CreatedAt = item.CreatedAt.ToUnixTimeMilliseconds(),
        UpdatedAt = item.UpdatedAt.ToUnixTimeMilliseconds(),
    };

    public WorkItem ToItem() => new()
    {
        Id = Id,
        ProjectId = ProjectId,
        Key = Key,
        Title = Title,
        Description = Description,
        AcceptanceCriteria = StoreJson.Read<List<string>>(AcceptanceCriteria),
        DefinitionOfDone = StoreJson.Read<List<string>>(DefinitionOfDone),
        Kind = Enum.Parse<WorkKind>(Kind),
        Tier = Enum.Parse<ComplexityTier>(Tier),
        Priority = Priority,
        Parent = Parent,
        Dependencies = StoreJson.Read<List<string>>(Dependencies),
        Context = StoreJson.Read<ItemContext>(Context),
        Verification = StoreJson.Read<List<VerificationStep>>(Verification),
        Checklist = StoreJson.Read<List<ChecklistStep>>(Checklist),
        Pipeline = Pipeline,
        Stage = Stage,
        Status = Enum.Parse<WorkStatus>(Status),
        PausedFrom = PausedFrom is null ? null : Enum.Parse<WorkStatus>(PausedFrom),
        Attempts = Attempts,
        Lease = LeaseOwner is null || LeaseExpiresAt is null ? null : new Lease(LeaseOwner, DateTimeOffset.FromUnixTimeMilliseconds(LeaseExpiresAt.Value)),
        Version = Version,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
    };
}
