using Wilson.Core.Storage;

namespace Wilson.Core.Tests.Storage;

public sealed class PageBoundsTests
{
    public static TheoryData<string, Func<object>> OutOfRange => new()
    {
        { "Limit", () => new ItemQuery { Limit = 0 } },
        { "Limit", () => ItemQuery.All with { Limit = -1 } },
        { "Offset", () => new ItemQuery { Offset = -1 } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Bound_OutOfRange_IsRefusedWhereItIsSet_NamingIt(string property, Func<object> query)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(query);

        Assert.Equal(property, refused.ParamName);
    }

    [Fact]
    public void Defaults_StartAtTheFirstItemInKeyOrder()
    {
        Assert.Equal((0, 10_000, ItemOrder.Key, false), (ItemQuery.All.Offset, ItemQuery.All.Limit, ItemQuery.All.Order, ItemQuery.All.Descending));
    }
}
