using System.Diagnostics;

namespace Wilson.Bench;

/// <summary>Nearest-rank percentiles of Stopwatch tick durations, in milliseconds.</summary>
internal static class Percentiles
{
    public static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>The value at <paramref name="fraction"/> (0.5 for p50) of an ascending array; 0 when empty.</summary>
    public static double Of(long[] sortedTicks, double fraction)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(fraction * sortedTicks.Length);
        return ToMilliseconds(sortedTicks[Math.Clamp(rank - 1, 0, sortedTicks.Length - 1)]);
    }
}
