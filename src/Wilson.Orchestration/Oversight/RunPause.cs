using Wilson.Core.Events;
using Wilson.Core.Storage;

namespace Wilson.Orchestration.Oversight;

/// <summary>
/// Whether a person's run-time pause of an item still stands: its last <c>item.run_paused</c> has no
/// <c>item.run_resumed</c> after it. Read from the event log, so the pause outlives the process that ran the item.
/// </summary>
public static class RunPause
{
    public static async Task<bool> StandsAsync(IWorkStore store, long projectId, string itemKey, CancellationToken cancellationToken)
    {
        var events = await store.ReadEventsAsync(new EventQuery { ProjectId = projectId, ItemKey = itemKey, Limit = 1_000_000 }, cancellationToken);
        return events.LastOrDefault(e => e.Type is EventTypes.RunPaused or EventTypes.RunResumed)?.Type == EventTypes.RunPaused;
    }
}
