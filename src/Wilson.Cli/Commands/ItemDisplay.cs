using Spectre.Console;
using Wilson.Core.Items;

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
}
