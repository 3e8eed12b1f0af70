namespace Wilson.Bench;

/// <summary>How long single operations took, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P99, double Max)
{
    public static LatencySummary From(IEnumerable<long> ticks)
    {
        var sorted = ticks.ToArray();
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Percentiles.Of(sorted, 0.50), Percentiles.Of(sorted, 0.99), Percentiles.Of(sorted, 1.0));
    }

    public override string ToString() => $"p50 {P50:0.000} ms, p99 {P99:0.000} ms, max {Max:0.000} ms (n={Count})";
}
