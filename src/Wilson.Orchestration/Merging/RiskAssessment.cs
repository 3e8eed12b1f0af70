using Microsoft.Extensions.FileSystemGlobbing;
using Wilson.Core.Configuration;
using Wilson.Core.Items;

namespace Wilson.Orchestration.Merging;

/// <summary>How risky a finished item's change is, and why.</summary>
public sealed record RiskVerdict(RiskTier Tier, IReadOnlyList<string> Reasons)
{
    /// <summary>True when the policy approves it without a person.</summary>
    public bool ApprovedByPolicy(ApprovalsConfig config) => config.Auto is { } auto && Tier <= auto;

    public string Describe() => $"{Tier.ToString().ToLowerInvariant()} risk: {string.Join("; ", Reasons)}";
}

/// <summary>
/// Rates a finished change: high when it touches a high-risk path (schema, migrations, auth, security, CI,
/// infrastructure: <see cref="ApprovalsConfig.HighRiskPaths"/>), medium for complex work or a change to many
/// files, low otherwise. Pure: the merge queue gives it the changed files.
/// </summary>
public static class RiskAssessment
{
    public static RiskVerdict Assess(WorkItem item, IReadOnlyList<string> changedFiles, ApprovalsConfig config)
    {
        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        matcher.AddIncludePatterns(config.HighRiskPaths);
        var risky = matcher.Match(changedFiles).Files.Select(f => f.Path).ToList();
        if (risky.Count > 0)
        {
            return new RiskVerdict(RiskTier.High, [$"it changes {string.Join(", ", risky.Take(5))}{(risky.Count > 5 ? $" and {risky.Count - 5} more" : "")}"]);
        }

        var reasons = new List<string>();
        if (item.Tier == ComplexityTier.Complex)
        {
            reasons.Add("complex work");
        }

        if (changedFiles.Count > config.MediumRiskFiles)
        {
            reasons.Add($"it changes {changedFiles.Count} files (more than {config.MediumRiskFiles})");
        }

        return reasons.Count > 0
            ? new RiskVerdict(RiskTier.Medium, reasons)
            : new RiskVerdict(RiskTier.Low, [$"{changedFiles.Count} file(s), no risky path, {item.Tier.ToString().ToLowerInvariant()} work"]);
    }
}
