using Wilson.Core.Items;
using Wilson.Core.Pipelines;

namespace Wilson.Core.Tests.Pipelines;

public sealed class PipelineTests
{
    private static readonly Pipeline Standard = PipelineCatalog.BuiltIn().Get("standard");
    private static readonly Pipeline Tdd = PipelineCatalog.BuiltIn().Get("tdd");

    [Fact]
    public void FirstAndFinalStage_AreTheEnds()
    {
        Assert.Equal("plan", Standard.FirstStage.Name);
        Assert.Equal("done", Standard.FinalStage.Name);
    }

    [Fact]
    public void FindStage_IgnoresCase()
    {
        Assert.Equal("develop", Standard.FindStage("Develop")?.Name);
        Assert.Null(Standard.FindStage("deploy"));
    }

    [Fact]
    public void NextStage_FollowsTheOrder_AndIsNullAtTheEnd()
    {
        Assert.Equal("develop", Standard.NextStage("plan")?.Name);
        Assert.Equal("done", Standard.NextStage("approve")?.Name);
        Assert.Null(Standard.NextStage("done"));
        Assert.Null(Standard.NextStage("deploy"));
    }

    [Fact]
    public void IndexOf_UnknownStage_IsMinusOne()
    {
        Assert.Equal(2, Tdd.IndexOf("GREEN"));
        Assert.Equal(-1, Tdd.IndexOf("develop"));
    }

    [Theory]
    [InlineData("standard", "develop", WorkStatus.Ready)]
    [InlineData("standard", "approve", WorkStatus.Ready)]
    [InlineData("standard", "done", WorkStatus.Done)]
    [InlineData("tdd", "red", WorkStatus.Ready)]
    [InlineData("tdd", "approve", WorkStatus.AwaitingApproval)]
    [InlineData("tdd", "done", WorkStatus.Done)]
    public void EntryStatus_DependsOnTheStage(string pipeline, string stage, WorkStatus expected)
    {
        var p = pipeline == "tdd" ? Tdd : Standard;

        Assert.Equal(expected, p.EntryStatus(p.FindStage(stage)!));
    }
}
