using static Wilson.Core.Tests.TestItems;

namespace Wilson.Core.Tests.Items;

public sealed class WorkItemTests
{
    [Fact]
    public void Progress_CountsDoneSteps()
    {
        var item = Item() with { Checklist = [new("write", true), new("test", false), new("ship", true)] };

        Assert.Equal((2, 3), item.Progress);
    }

    [Fact]
    public void Progress_NoChecklist_IsZeroOfZero()
    {
        Assert.Equal((0, 0), Item().Progress);
    }
}
