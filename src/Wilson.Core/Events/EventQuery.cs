using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Core.Events;

/// <summary>
/// Which events to read: those after <see cref="AfterSequence"/> (and before <see cref="BeforeSequence"/>),
/// narrowed by the other fields; null fields match everything. Pages go by sequence (a keyset): forward
/// with <see cref="AfterSequence"/> set to the last sequence read, backwards with <see cref="BeforeSequence"/>
/// set to the first, so a page never shifts as the log grows.
/// </summary>
public sealed record EventQuery
{
    public long AfterSequence { get; init; }

    /// <summary>Only events before this sequence (exclusive): the way back through the log from a page already read.</summary>
    public long? BeforeSequence { get; init; }

    public long? ProjectId { get; init; }

    public string? ItemKey { get; init; }

    /// <summary>
    /// Only events of these types: a name is matched exactly, and one ending in a dot is a prefix (<c>agent.</c> matches
    /// every <c>agent.*</c> type). Null matches every type, an empty collection none.
    /// </summary>
    public IReadOnlyCollection<string>? Types
    {
        get;
        init => field = CheckTypes(value, nameof(Types));
    }

    /// <summary>Never events of these types (exact, or prefixes ending in a dot); an exclusion wins over <see cref="Types"/>.</summary>
    public IReadOnlyCollection<string>? ExcludedTypes
    {
        get;
        init => field = CheckTypes(value, nameof(ExcludedTypes));
    }

    /// <summary>Only events by this actor (its kind and name both).</summary>
    public Actor? Actor { get; init; }

    /// <summary>
    /// Only events by an actor of these kinds (flags: <c>Person | Agent</c> for both, <c>Agent</c> for every agent); no kind
    /// at all matches nothing, and a value that is not a combination of the kinds is refused.
    /// </summary>
    public ActorKind? ActorKind
    {
        get;
        init => field = value is { } kinds && (kinds & ~AllKinds) != 0
            ? throw new ArgumentOutOfRangeException(nameof(ActorKind), kinds, $"not a combination of {AllKinds}")
            : value;
    }

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events before this time (exclusive); refused if before <see cref="From"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>
    /// Only events whose type or payload contains this text, ignoring case (on SQLite, case of ASCII letters only);
    /// <c>%</c> and <c>_</c> are matched as themselves. Null or empty matches everything.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>At most this many events, at least 1.</summary>
    public int Limit { get; init => field = PageBounds.AtLeastOne(value, nameof(Limit)); } = 1000;

    private const ActorKind AllKinds = Workflow.ActorKind.Person | Workflow.ActorKind.Agent | Workflow.ActorKind.System;

    /// <summary>A type name ending in a dot is matched as a prefix.</summary>
    public static bool IsTypePrefix(string type) => type.EndsWith('.');

    private static IReadOnlyCollection<string>? CheckTypes(IReadOnlyCollection<string>? types, string name) =>
        types is not null && types.Any(string.IsNullOrWhiteSpace)
            ? throw new ArgumentException($"{name}: an empty type name matches nothing; name a type such as item.created, or a prefix such as agent.", name)
            : types;
}
