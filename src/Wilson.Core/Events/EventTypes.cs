namespace Wilson.Core.Events;

/// <summary>The names of events Wilson appends; a payload's shape follows from its type.</summary>
public static class EventTypes
{
    public const string ProjectCreated = "project.created";
    public const string ProjectPaused = "project.paused";
    public const string ProjectResumed = "project.resumed";
    public const string ItemCreated = "item.created";
    public const string ItemEdited = "item.edited";

    /// <summary>Any change of stage or status: claims, completions, expired leases, requeues, manual moves.</summary>
    public const string ItemTransitioned = "item.transitioned";
}
