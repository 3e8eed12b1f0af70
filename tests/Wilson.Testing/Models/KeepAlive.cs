using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Wilson.Testing.Models;

/// <summary>
/// Ollama's <c>keep_alive</c>: a number of seconds or a Go duration string (<c>5m</c>, <c>1h30m</c>,
/// <c>-1</c>); zero unloads now, negative keeps the model loaded for good, absent means five minutes.
/// </summary>
internal static partial class KeepAlive
{
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(5);

    /// <summary>The keep-alive of a request body; negative means forever.</summary>
    /// <exception cref="FormatException">Neither a number nor a duration; the message is Ollama's.</exception>
    public static TimeSpan Parse(JsonElement body)
    {
        if (!body.TryGetProperty("keep_alive", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Default;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return Seconds(value.GetDouble());
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return Seconds(seconds);
        }

        return ParseDuration(text) ?? throw new FormatException($"time: invalid duration \"{text}\"");
    }

    private static TimeSpan Seconds(double seconds) =>
        seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));

    private static TimeSpan? ParseDuration(string text)
    {
        var whole = Duration().Match(text);
        if (!whole.Success)
        {
            return null;
        }

        var ticks = 0.0;
        foreach (Match part in Part().Matches(whole.Groups["parts"].Value))
        {
            var amount = double.Parse(part.Groups["amount"].Value, CultureInfo.InvariantCulture);
            ticks += amount * part.Groups["unit"].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        return whole.Groups["sign"].Value == "-" && ticks > 0
            ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromTicks((long)Math.Min(ticks, long.MaxValue / 2));
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<parts>((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"(?<amount>\d+(\.\d*)?|\.\d+)(?<unit>ns|us|µs|μs|ms|s|m|h)")]
    private static partial Regex Part();
}
