using System.Globalization;

namespace Wilson.Core.Configuration;

/// <summary>Durations as people write them in config: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var trimmed = text.Trim();
        (string suffix, Func<double, TimeSpan> make)[] units =
        [
            ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours),
        ];
        foreach (var (suffix, make) in units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(trimmed[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && number >= 0)
            {
                try
                {
                    value = make(number);
                    return true;
                }
                catch (OverflowException)
                {
                    // Longer than TimeSpan can hold (e.g. 99999999999h): not a duration, and a Try method does not throw.
                    return false;
                }
            }
        }

        return false;
    }

    public static string Format(TimeSpan value) =>
        value.TotalHours >= 1 && value.TotalHours % 1 == 0 ? FormattableString.Invariant($"{value.TotalHours}h")
        : value.TotalMinutes >= 1 && value.TotalMinutes % 1 == 0 ? FormattableString.Invariant($"{value.TotalMinutes}m")
        : value.TotalSeconds >= 1 && value.TotalSeconds % 1 == 0 ? FormattableString.Invariant($"{value.TotalSeconds}s")
        : FormattableString.Invariant($"{value.TotalMilliseconds}ms");
}
