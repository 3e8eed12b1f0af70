using Spectre.Console;
using Wilson.Core.Items;
using Wilson.Core.Workers;

namespace Wilson.Cli.Commands;

/// <summary>How items look in text output: statuses in colour, dependencies and times in short form.</summary>
internal static class ItemDisplay
{
    public static Markup Status(WorkStatus status) => new(Markup.Escape(status.ToString()), StatusStyle(status));

    public static Style StatusStyle(WorkStatus status) => status switch
    {
        WorkStatus.Ready => new Style(Color.Green),
        WorkStatus.Running => new Style(Color.Blue),
        WorkStatus.AwaitingApproval => new Style(Color.Fuchsia),
        WorkStatus.Blocked => new Style(Color.Yellow),
        WorkStatus.Paused => new Style(Color.Grey),
        WorkStatus.Failed => new Style(Color.Red),
        WorkStatus.Done => new Style(decoration: Decoration.Dim),
        WorkStatus.Cancelled => new Style(decoration: Decoration.Dim | Decoration.Strikethrough),
        _ => Style.Plain,
    };

    public static string Dependencies(WorkItem item) => item.Dependencies.Count == 0 ? "" : string.Join(", ", item.Dependencies);

    public static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary><paramref name="at"/> in the local time zone of <paramref name="time"/>, to the second.</summary>
    public static string Time(DateTimeOffset at, TimeProvider time) =>
        TimeZoneInfo.ConvertTime(at, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"in 4m 10s" or "3s ago", from now on <paramref name="time"/>.</summary>
    public static string Relative(DateTimeOffset at, TimeProvider time)
    {
        var delta = at - time.GetUtcNow();
        var span = delta.Duration();
        var text = span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m {span.Seconds}s"
            : $"{span.Seconds}s";
        return delta >= TimeSpan.Zero ? $"in {text}" : $"{text} ago";
    }

    /// <summary>What the agent on a running item is doing ("planner on qwen2.5-coder:7b, step 3, for 2m 5s"), and whether it is paused.</summary>
    public static string Worker(WorkItem item, WorkerStatus? worker, TimeProvider time)
    {
        var paused = Paused(item, worker, time);
        if (worker is null)
        {
            return paused ?? "-";
        }

        var doing = $"{worker.Role}{(worker.Model is null ? "" : $" on {worker.Model}")}, step {worker.Step}, for {Relative(worker.StartedAt, time).Replace(" ago", "", StringComparison.Ordinal)}";
        return paused is null ? doing : $"{doing}; {paused}";
    }

    /// <summary>
    /// "paused by ada 2m 0s ago" when a person holds the item's runs (kept on the item, so it shows at once and after a
    /// restart) or the worker is paused (the project's pause); null otherwise.
    /// </summary>
    public static string? Paused(WorkItem item, WorkerStatus? worker, TimeProvider time)
    {
        string Said(Core.Workflow.Actor? by, DateTimeOffset? at) => $"paused by {by?.Name ?? "a person"}{(at is { } since ? $" {Relative(since, time)}" : "")}";
        return item.Context.RunPaused ? Said(item.Context.RunPausedBy, item.Context.RunPausedAt)
            : worker is { Paused: true } ? Said(worker.PausedBy, worker.PausedAt)
            : null;
    }
}
