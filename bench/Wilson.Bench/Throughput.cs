namespace Wilson.Bench;

/// <summary>Items done in a wall-clock time.</summary>
internal sealed record Throughput(int Items, TimeSpan Elapsed)
{
    public double PerSecond => Items / Elapsed.TotalSeconds;

    public override string ToString() => $"{PerSecond:#,0} items/s ({Items:#,0} in {Elapsed.TotalMilliseconds:#,0} ms)";
}
