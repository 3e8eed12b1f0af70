using Wilson.Core.Workflow;

namespace Wilson.Core.Events;

/// <summary>
/// One entry of the append-only event log. <see cref="Sequence"/> is gap-free and increasing across
/// the whole store, so a reader that has seen N has seen everything up to N.
/// </summary>
public sealed record WorkEvent(
    long Sequence,
    long ProjectId,
    string? ItemKey,
    string Type,
    Actor Actor,
    DateTimeOffset At,
    string PayloadJson);
