using Wilson.Core.Workers;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>A row of <c>workers</c>.</summary>
internal sealed class WorkerRow
{
    public const string Columns = "name, machine, project_id, item_key, stage, role, model, step, started_at, progress_at, updated_at, paused_by, paused_at";

    public string Name { get; set; } = "";
    public string Machine { get; set; } = "";
    public long ProjectId { get; set; }
    public string ItemKey { get; set; } = "";
    public string Stage { get; set; } = "";
    public string Role { get; set; } = "";
    public string? Model { get; set; }
    public long Step { get; set; }
    public long StartedAt { get; set; }
    public long ProgressAt { get; set; }
    public long UpdatedAt { get; set; }
    public string? PausedBy { get; set; }
    public long? PausedAt { get; set; }

    public WorkerStatus ToStatus() => new()
    {
        Worker = Name,
        Machine = Machine,
        ProjectId = ProjectId,
        ItemKey = ItemKey,
        Stage = Stage,
        Role = Role,
        Model = Model,
        Step = (int)Step,
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(StartedAt),
        LastProgressAt = DateTimeOffset.FromUnixTimeMilliseconds(ProgressAt),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
        PausedBy = PausedBy is null ? null : Actor.Parse(PausedBy),
        PausedAt = PausedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
    };
}
