namespace Wilson.Bench;

/// <summary>The bare INSERT + UPDATE run: items per second and each statement's latency.</summary>
internal sealed record RawCeilingResult(Throughput Throughput, LatencySummary Insert, LatencySummary Update);
