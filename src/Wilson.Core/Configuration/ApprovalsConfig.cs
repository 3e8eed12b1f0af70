namespace Wilson.Core.Configuration;

/// <summary>How risky a finished item's change is, which decides who approves it.</summary>
public enum RiskTier
{
    Low,
    Medium,
    High,
}

/// <summary>
/// The <c>approvals</c> section of <c>wilson.yaml</c>: up to which risk the policy approves by itself
/// once verification passed, and what makes a change risky.
/// </summary>
public sealed record ApprovalsConfig
{
    public static readonly ApprovalsConfig Default = new();

    /// <summary>The highest risk approved without a person; null: a person approves everything.</summary>
    public RiskTier? Auto { get; init; } = RiskTier.Low;

    /// <summary>Paths (globs) whose change is high risk: schema and migrations, auth and security, CI and infrastructure.</summary>
    public IReadOnlyList<string> HighRiskPaths { get; init; } =
    [
        "**/migrations/**", "**/*.sql", "**/*schema*", "**/auth/**", "**/*auth*.*", "**/security/**", "**/*secret*",
        ".github/**", ".gitlab-ci.yml", ".ci/**", "**/Dockerfile", "**/docker-compose*.yml", "infra/**", "**/*.tf", "**/k8s/**", "**/helm/**",
    ];

    /// <summary>A change to more files than this is at least medium risk.</summary>
    public int MediumRiskFiles { get; init; } = 10;

    /// <summary>True: a plan's items stay Draft until a person approves the plan.</summary>
    public bool PlanReview { get; init; }
}
