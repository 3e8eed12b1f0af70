using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>
/// A page of items and <see cref="Total"/>, how many match the filters across all pages (for a board's
/// "41-60 of 213"). The total is read in a second statement only when the page itself cannot tell it, so
/// while items are being added it may count one the page did not see.
/// </summary>
public sealed record ItemPage(IReadOnlyList<WorkItem> Items, int Total)
{
    public static readonly ItemPage Empty = new([], 0);
}
