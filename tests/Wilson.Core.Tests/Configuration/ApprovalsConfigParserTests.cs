using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class ApprovalsConfigParserTests
{
    private static ApprovalsConfig Parse(string approvals) => ProjectConfigFile.Parse("wilson.yaml", $"project:\n  name: shop\napprovals:\n{approvals}").Approvals;

    [Fact]
    public void Parse_ReadsTheAutoLevelRiskyPathsAndFileCount()
    {
        var approvals = Parse("""
              auto: medium
              high_risk_paths:
                - billing/**
                - "**/*.sql"
              medium_risk_files: 4
            """);

        Assert.Equal((RiskTier.Medium, 4), (approvals.Auto!.Value, approvals.MediumRiskFiles));
        Assert.Equal(["billing/**", "**/*.sql"], approvals.HighRiskPaths);
    }

    [Fact]
    public void Parse_AutoNone_MeansAPersonApprovesEverything_AndNoSectionIsTheDefaults()
    {
        Assert.Null(Parse("  auto: none\n").Auto);
        var defaults = ProjectConfigFile.Parse("wilson.yaml", "project:\n  name: shop\n").Approvals;
        Assert.Equal((RiskTier.Low, 10), (defaults.Auto!.Value, defaults.MediumRiskFiles));
        Assert.Contains("**/migrations/**", defaults.HighRiskPaths);
    }

    [Theory]
    [InlineData("  auto: lo\n", "approvals.auto", "did you mean 'low'")]
    [InlineData("  autoo: low\n", "approvals.autoo", "did you mean 'auto'")]
    [InlineData("  medium_risk_files: 0\n", "approvals.medium_risk_files", "from 1 to 100000")]
    [InlineData("  high_risk_paths:\n    - \"\"\n", "approvals.high_risk_paths[0]", "expected a path pattern")]
    public void Parse_BadSetting_IsRefusedNamingItsKey(string approvals, string key, string problem)
    {
        var error = Assert.Throws<ConfigFormatException>(() => Parse(approvals));

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
