namespace Wilson.Core.Storage;

/// <summary>How <see cref="ItemQuery"/> orders items; every order ends with creation, so pages never overlap.</summary>
public enum ItemOrder
{
    /// <summary>By key, which is the order items were created in (T-2 before T-10).</summary>
    Key,

    /// <summary>The most urgent first, then the oldest: the order in which they are claimed.</summary>
    Priority,

    /// <summary>The least recently changed first (descending: what changed last first).</summary>
    Updated,
}
