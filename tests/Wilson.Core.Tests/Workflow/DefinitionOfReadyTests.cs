using Wilson.Core.Items;
using Wilson.Core.Workflow;
using static Wilson.Core.Tests.TestItems;

namespace Wilson.Core.Tests.Workflow;

public sealed class DefinitionOfReadyTests
{
    [Fact]
    public void Check_ReadyItem_ReturnsNothing()
    {
        var item = Item(WorkStatus.Draft) with { Dependencies = ["T-2", "T-3"] };

        Assert.Empty(DefinitionOfReady.Check(item));
    }

    [Fact]
    public void Check_NoTitle_SaysSo()
    {
        var item = Item(WorkStatus.Draft) with { Title = " " };

        Assert.Equal(["it has no title"], DefinitionOfReady.Check(item));
    }

    [Theory]
    [InlineData]
    [InlineData("", "  ")]
    public void Check_NoAcceptanceCriteria_SaysHowToAddOne(params string[] criteria)
    {
        var item = Item(WorkStatus.Draft) with { AcceptanceCriteria = criteria };

        Assert.Equal(["it has no acceptance criteria (add one with --criteria)"], DefinitionOfReady.Check(item));
    }

    [Fact]
    public void Check_DependencyNotAKey_NamesIt()
    {
        var item = Item(WorkStatus.Draft) with { Dependencies = ["login page"] };

        Assert.Equal(["dependency 'login page' is not an item key"], DefinitionOfReady.Check(item));
    }

    [Fact]
    public void Check_DependsOnItself_SaysSo()
    {
        var item = Item(WorkStatus.Draft, key: "T-7") with { Dependencies = ["T-7"] };

        Assert.Equal(["it depends on itself"], DefinitionOfReady.Check(item));
    }

    [Fact]
    public void Check_SeveralGaps_ListsEveryOne()
    {
        var item = Item(WorkStatus.Draft) with { Title = "", AcceptanceCriteria = [], Dependencies = ["T-1", "x"] };

        Assert.Equal(
            [
                "it has no title",
                "it has no acceptance criteria (add one with --criteria)",
                "it depends on itself",
                "dependency 'x' is not an item key",
            ],
            DefinitionOfReady.Check(item));
    }
}
