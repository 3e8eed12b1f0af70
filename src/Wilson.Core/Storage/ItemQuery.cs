using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>
/// A filter, order and page over a project's items; null filters match everything. Paging is by
/// <see cref="Offset"/> and <see cref="Limit"/>, not by keyset: a board pages by number under any of
/// the three orders (a keyset would need a cursor per order), and a project holds thousands of items,
/// not millions, so skipping rows costs little. The event log, which only grows, pages by sequence
/// instead (<see cref="Events.EventQuery"/>).
/// </summary>
public sealed record ItemQuery
{
    /// <summary>Every item (up to the default <see cref="Limit"/>), oldest first.</summary>
    public static readonly ItemQuery All = new();

    /// <summary>Items in any of these statuses; null matches every status, an empty collection none.</summary>
    public IReadOnlyCollection<WorkStatus>? Statuses { get; init; }

    public string? Stage { get; init; }

    public WorkKind? Kind { get; init; }

    /// <summary>The children of the item with this key (those split from it).</summary>
    public string? Parent { get; init; }

    /// <summary>
    /// Items whose key, title or description contains this text, ignoring case (on SQLite, case of ASCII letters
    /// only); <c>%</c> and <c>_</c> are matched as themselves. Null or empty matches everything.
    /// </summary>
    public string? Text { get; init; }

    public ItemOrder Order { get; init; } = ItemOrder.Key;

    /// <summary>Reverses <see cref="Order"/>: the newest, least urgent or most recently changed first.</summary>
    public bool Descending { get; init; }

    /// <summary>How many matching items to skip, at least 0.</summary>
    public int Offset { get; init => field = PageBounds.NotNegative(value, nameof(Offset)); }

    /// <summary>At most this many items, at least 1.</summary>
    public int Limit { get; init => field = PageBounds.AtLeastOne(value, nameof(Limit)); } = 10_000;
}
