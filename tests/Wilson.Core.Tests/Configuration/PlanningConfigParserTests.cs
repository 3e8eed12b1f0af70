using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class PlanningConfigParserTests
{
    private static PlanningConfig Parse(string planning) => ProjectConfigFile.Parse("wilson.yaml", $"project:\n  name: shop\nplanning:\n{planning}").Planning;

    [Fact]
    public void Defaults_TwentyItemsAndNoPlansWithinPlans()
    {
        var planning = ProjectConfigFile.Parse("wilson.yaml", "project:\n  name: shop\n").Planning;

        Assert.Equal((20, 0), (planning.MaxItems, planning.NestedPlans));
    }

    [Fact]
    public void Parse_ReadsTheBounds()
    {
        Assert.Equal((5, 1), Parse("  max_items: 5\n  nested_plans: 1\n") is var p ? (p.MaxItems, p.NestedPlans) : default);
    }

    [Theory]
    [InlineData("  max_items: 0\n", "planning.max_items", "from 1 to 1000")]
    [InlineData("  nested_plans: 9\n", "planning.nested_plans", "from 0 to 5")]
    [InlineData("  max_item: 3\n", "planning.max_item", "did you mean 'max_items'")]
    public void Parse_BadSetting_IsRefusedNamingItsKey(string planning, string key, string problem)
    {
        var error = Assert.Throws<ConfigFormatException>(() => Parse(planning));

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
