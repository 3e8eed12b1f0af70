using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Workflow;

namespace Wilson.Core.Tests.Workflow;

public sealed class TransitionTargetTests
{
    private static readonly Pipeline Standard = PipelineCatalog.BuiltIn().Get("standard");

    [Theory]
    [InlineData("ready", WorkStatus.Ready)]
    [InlineData("READY", WorkStatus.Ready)]
    [InlineData("Blocked", WorkStatus.Blocked)]
    [InlineData("awaiting-approval", WorkStatus.AwaitingApproval)]
    [InlineData("awaiting_approval", WorkStatus.AwaitingApproval)]
    [InlineData("AwaitingApproval", WorkStatus.AwaitingApproval)]
    [InlineData("cancelled", WorkStatus.Cancelled)]
    [InlineData(" paused ", WorkStatus.Paused)]
    public void Parse_StatusName_ReturnsStatus(string text, WorkStatus expected)
    {
        var target = TransitionTarget.Parse(text, Standard);

        Assert.NotNull(target);
        Assert.Equal(expected, target.Status);
        Assert.Null(target.Stage);
    }

    [Theory]
    [InlineData("develop", "develop")]
    [InlineData("Security", "security")]
    [InlineData("APPROVE", "approve")]
    public void Parse_StageName_ReturnsStageAsThePipelineSpellsIt(string text, string expected)
    {
        var target = TransitionTarget.Parse(text, Standard);

        Assert.NotNull(target);
        Assert.Equal(expected, target.Stage);
        Assert.Null(target.Status);
    }

    [Fact]
    public void Parse_NameThatIsBothStatusAndStage_PrefersTheStage()
    {
        var target = TransitionTarget.Parse("done", Standard);

        Assert.Equal(TransitionTarget.ToStage("done"), target);
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("")]
    [InlineData("red")]
    public void Parse_UnknownText_ReturnsNull(string text)
    {
        Assert.Null(TransitionTarget.Parse(text, Standard));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("42")]
    public void Parse_NumericText_IsNotReadAsStatus(string text)
    {
        Assert.Null(TransitionTarget.Parse(text, Standard));
    }

    [Theory]
    [InlineData("ready,running")]
    [InlineData("1,2")]
    public void Parse_CombinedNames_IsNotReadAsStatus(string text)
    {
        Assert.Null(TransitionTarget.Parse(text, Standard));
    }

    [Fact]
    public void ToString_NamesStatusOrStage()
    {
        Assert.Equal("AwaitingApproval", TransitionTarget.ToStatus(WorkStatus.AwaitingApproval).ToString());
        Assert.Equal("stage develop", TransitionTarget.ToStage("develop").ToString());
    }
}
