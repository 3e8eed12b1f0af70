using System.Data.Common;
using Wilson.Core.Items;

namespace Wilson.Storage.Sql;

/// <summary>A row of <c>work_items</c> as Dapper reads and writes it.</summary>
internal sealed class WorkItemRow
{
    public const string Columns =
        "id, project_id, key, title, description, acceptance_criteria, definition_of_done, kind, tier, priority, parent, " +
        "dependencies, context, verification, checklist, pipeline, stage, status, paused_from, attempts, lease_owner, " +
        "lease_expires_at, version, created_at, updated_at, not_before";

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

    public long? NotBefore { get; set; }

    /// <summary>
    /// Reads the current row of a reader whose columns are <see cref="Columns"/>, in that order. The claim
    /// reads its row while holding the write lock: by ordinal, this costs a fraction of Dapper's mapping
    /// (which looks every column up by name on each call).
    /// </summary>
    public static WorkItemRow Read(IColumnReader reader) => new()
    {
        Id = reader.GetInt64(0),
        ProjectId = reader.GetInt64(1),
        Key = reader.GetString(2),
        Title = reader.GetString(3),
        Description = reader.GetString(4),
        AcceptanceCriteria = reader.GetString(5),
        DefinitionOfDone = reader.GetString(6),
        Kind = reader.GetString(7),
        Tier = reader.GetString(8),
        Priority = reader.GetInt32(9),
        Parent = NullableString(reader, 10),
        Dependencies = reader.GetString(11),
        Context = reader.GetString(12),
        Verification = reader.GetString(13),
        Checklist = reader.GetString(14),
        Pipeline = reader.GetString(15),
        Stage = reader.GetString(16),
        Status = reader.GetString(17),
        PausedFrom = NullableString(reader, 18),
        Attempts = reader.GetInt32(19),
        LeaseOwner = NullableString(reader, 20),
        LeaseExpiresAt = reader.IsNull(21) ? null : reader.GetInt64(21),
        Version = reader.GetInt64(22),
        CreatedAt = reader.GetInt64(23),
        UpdatedAt = reader.GetInt64(24),
        NotBefore = reader.IsNull(25) ? null : reader.GetInt64(25),
    };

    /// <inheritdoc cref="Read(IColumnReader)"/>
    public static WorkItemRow Read(DbDataReader reader) => Read(new DataReaderColumns(reader));

    private static string? NullableString(IColumnReader reader, int ordinal) => reader.IsNull(ordinal) ? null : reader.GetString(ordinal);

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
        NotBefore = item.NotBefore?.ToUnixTimeMilliseconds(),
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
        NotBefore = NotBefore is { } notBefore ? DateTimeOffset.FromUnixTimeMilliseconds(notBefore) : null,
    };
}
