using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Orchestration.Merging;

namespace Wilson.Orchestration.Tests;

/// <summary>Who approves a finished change: the policy for low risk, a person above that.</summary>
public sealed class RiskAssessmentTests
{
    private static WorkItem Item(ComplexityTier tier = ComplexityTier.Standard) => new()
    {
        Id = 1, ProjectId = 1, Key = "T-1", Title = "change", Pipeline = "standard", Stage = "approve", Status = WorkStatus.AwaitingApproval, Tier = tier,
    };

    [Theory]
    [InlineData("src/Db/migrations/0007_add_users.cs")]
    [InlineData("db/schema.rb")]
    [InlineData("src/queries/report.sql")]
    [InlineData("src/auth/login.py")]
    [InlineData("src/OAuthHandler.cs")]
    [InlineData(".github/workflows/ci.yml")]
    [InlineData(".ci/run")]
    [InlineData("deploy/Dockerfile")]
    [InlineData("infra/main.tf")]
    public void A_change_to_a_risky_path_is_high_risk_and_needs_a_person(string path)
    {
        var verdict = RiskAssessment.Assess(Item(), ["README.md", path], ApprovalsConfig.Default);

        Assert.Equal(RiskTier.High, verdict.Tier);
        Assert.Equal($"high risk: it changes {path}", verdict.Describe());
        Assert.False(verdict.ApprovedByPolicy(ApprovalsConfig.Default));
    }

    [Fact]
    public void Complex_work_or_many_files_is_medium_risk()
    {
        var complex = RiskAssessment.Assess(Item(ComplexityTier.Complex), ["src/app.py"], ApprovalsConfig.Default);
        var many = RiskAssessment.Assess(Item(), [.. Enumerable.Range(1, 11).Select(i => $"src/f{i}.py")], ApprovalsConfig.Default);

        Assert.Equal((RiskTier.Medium, "medium risk: complex work"), (complex.Tier, complex.Describe()));
        Assert.Equal((RiskTier.Medium, "medium risk: it changes 11 files (more than 10)"), (many.Tier, many.Describe()));
        Assert.False(many.ApprovedByPolicy(ApprovalsConfig.Default));
        Assert.True(many.ApprovedByPolicy(ApprovalsConfig.Default with { Auto = RiskTier.Medium }));
    }

    [Fact]
    public void A_small_ordinary_change_is_low_risk_and_approved_by_the_policy_unless_a_person_approves_everything()
    {
        var verdict = RiskAssessment.Assess(Item(), ["src/app.py", "tests/test_app.py"], ApprovalsConfig.Default);

        Assert.Equal((RiskTier.Low, "low risk: 2 file(s), no risky path, standard work"), (verdict.Tier, verdict.Describe()));
        Assert.True(verdict.ApprovedByPolicy(ApprovalsConfig.Default));
        Assert.False(verdict.ApprovedByPolicy(ApprovalsConfig.Default with { Auto = null }));
    }

    [Fact]
    public void The_risky_paths_are_the_projects_to_choose()
    {
        var config = ApprovalsConfig.Default with { HighRiskPaths = ["billing/**"] };

        Assert.Equal(RiskTier.High, RiskAssessment.Assess(Item(), ["billing/invoice.py"], config).Tier);
        Assert.Equal(RiskTier.Low, RiskAssessment.Assess(Item(), ["db/migrations/1.sql"], config).Tier);
    }
}
