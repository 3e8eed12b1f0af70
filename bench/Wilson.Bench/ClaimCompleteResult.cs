namespace Wilson.Bench;

/// <summary>What the claim → complete workers did; the fewest and most items one worker took show how fair the queue was.</summary>
internal sealed record ClaimCompleteResult(
    Throughput Throughput, LatencySummary Claim, LatencySummary Complete, int FewestPerWorker, int MostPerWorker);
