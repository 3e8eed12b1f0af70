using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Configuration;

/// <summary>Reads the <c>approvals</c> section strictly: every error names its key and line.</summary>
public static class ApprovalsConfigParser
{
    private const string Section = "approvals";
    private static readonly string[] Keys = ["auto", "high_risk_paths", "medium_risk_files", "plan_review"];
    private static readonly string[] AutoValues = ["none", "low", "medium", "high"];

    public static ApprovalsConfig Parse(StrictYamlReader reader, YamlMappingNode section)
    {
        reader.RequireKnownKeys(section, Section, Keys);
        var defaults = ApprovalsConfig.Default;
        var auto = reader.GetString(section, Section, "auto");
        if (auto is not null && !AutoValues.Contains(auto))
        {
            throw reader.Error(StrictYamlReader.Find(section, "auto")!, $"{Section}.auto",
                $"'{auto}' is not one of {string.Join(", ", AutoValues)}{Suggestions.DidYouMean(auto, AutoValues)}");
        }

        return defaults with
        {
            Auto = auto switch
            {
                null => defaults.Auto,
                "none" => null,
                _ => Enum.Parse<RiskTier>(auto, ignoreCase: true),
            },
            HighRiskPaths = reader.GetSequence(section, Section, "high_risk_paths") is { } paths
                ? [.. paths.Children.Select((node, i) => node is YamlScalarNode { Value: { Length: > 0 } value }
                    ? value
                    : throw reader.Error(node, $"{Section}.high_risk_paths[{i}]", "expected a path pattern, like infra/** or **/*.sql"))]
                : defaults.HighRiskPaths,
            MediumRiskFiles = reader.GetInt(section, Section, "medium_risk_files", 1, 100_000) ?? defaults.MediumRiskFiles,
            PlanReview = reader.GetBool(section, Section, "plan_review") ?? defaults.PlanReview,
        };
    }
}
