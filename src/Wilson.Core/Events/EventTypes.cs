namespace Wilson.Core.Events;

/// <summary>The names of events Wilson appends; a payload's shape follows from its type.</summary>
public static class EventTypes
{
    public const string ProjectCreated = "project.created";
    public const string ProjectPaused = "project.paused";
    public const string ProjectResumed = "project.resumed";
    public const string ItemCreated = "item.created";
    public const string ItemEdited = "item.edited";
    public const string ItemTransitioned = "item.transitioned";
    public const string ItemClaimed = "item.claimed";
    public const string LeaseExpired = "item.lease_expired";
    public const string ItemRequeued = "item.requeued";
}
