using Wilson.Core.Events;

namespace Wilson.Storage.Sql;

/// <summary>A row of <c>events</c>.</summary>
internal sealed class EventRow
{
    public const string Columns = "seq, project_id, item_key, type, actor, at, payload";

    public long Seq { get; set; }
    public long ProjectId { get; set; }
    public string? ItemKey { get; set; }
    public string Type { get; set; } = "";
    public string Actor { get; set; } = "";
    public long At { get; set; }
    public string Payload { get; set; } = "{}";

    public WorkEvent ToEvent() =>
        new(Seq, ProjectId, ItemKey, Type, Core.Workflow.Actor.Parse(Actor), DateTimeOffset.FromUnixTimeMilliseconds(At), Payload);
}
