using Wilson.Core.Events;
using Wilson.Core.Storage;

namespace Wilson.Core.Tests.Storage;

public sealed class PageBoundsTests
{
    public static TheoryData<string, Func<object>> OutOfRange => new()
    {
        { "Limit", () => new ItemQuery { Limit = 0 } },
        { "Limit", () => ItemQuery.All with { Limit = -1 } },
        { "Offset", () => new ItemQuery { Offset = -1 } },
        { "Limit", () => new EventQuery { Limit = 0 } },
        { "Limit", () => new EventQuery { Limit = -5 } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Bound_OutOfRange_IsRefusedWhereItIsSet_NamingIt(string property, Func<object> query)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(query);

        Assert.Equal(property, refused.ParamName);
    }

    [Fact]
    public void Defaults_StartAtTheBeginning()
    {
        Assert.Equal((0, 10_000, ItemOrder.Key, false), (ItemQuery.All.Offset, ItemQuery.All.Limit, ItemQuery.All.Order, ItemQuery.All.Descending));
        Assert.Equal((0L, 1000), (new EventQuery().AfterSequence, new EventQuery().Limit));
    }
}
