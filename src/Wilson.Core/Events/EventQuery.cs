using System.Text.Json;
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

    /// <summary>
    /// The forms <see cref="Text"/> is looked for in a payload: as typed, and as JSON writes it (System.Text.Json's default
    /// encoder, which the store writes payloads with, escapes an apostrophe as <c>\u0027</c> and an accented letter as <c>\u00E9</c>).
    /// </summary>
    public static IReadOnlyList<string> TextForms(string text) =>
        JsonEncodedText.Encode(text).Value is var inJson && inJson != text ? [text, inJson] : [text];

    /// <summary>
    /// Whether <paramref name="e"/> is one this query reads (<see cref="Limit"/> aside), decided in memory as the store decides
    /// it in SQL: for a watcher that is handed events rather than reading them. Text ignores the case of every letter here, as
    /// PostgreSQL does; SQLite folds ASCII letters only.
    /// </summary>
    public bool Matches(WorkEvent e) =>
        e.Sequence > AfterSequence && (BeforeSequence is not { } before || e.Sequence < before)
        && (ProjectId is not { } project || e.ProjectId == project)
        && (ItemKey is not { } key || string.Equals(e.ItemKey, key, StringComparison.Ordinal))
        && (Types is null || IsOneOf(e.Type, Types))
        && (ExcludedTypes is null || !IsOneOf(e.Type, ExcludedTypes))
        && (Actor is null || e.Actor == Actor)
        && (ActorKind is not { } kinds || kinds.HasFlag(e.Actor.Kind))
        && (From is not { } from || e.At.ToUnixTimeMilliseconds() >= from.ToUnixTimeMilliseconds())
        && (To is not { } to || e.At.ToUnixTimeMilliseconds() < to.ToUnixTimeMilliseconds())
        && (string.IsNullOrEmpty(Text) || e.Type.Contains(Text, StringComparison.OrdinalIgnoreCase)
            || TextForms(Text).Any(form => e.PayloadJson.Contains(form, StringComparison.OrdinalIgnoreCase)));

    private static bool IsOneOf(string type, IReadOnlyCollection<string> types) =>
        types.Any(t => IsTypePrefix(t) ? type.StartsWith(t, StringComparison.Ordinal) : string.Equals(type, t, StringComparison.Ordinal));

    private static IReadOnlyCollection<string>? CheckTypes(IReadOnlyCollection<string>? types, string name) =>
        types is not null && types.Any(string.IsNullOrWhiteSpace)
            ? throw new ArgumentException($"{name}: an empty type name matches nothing; name a type such as item.created, or a prefix such as agent.", name)
            : types;
}
