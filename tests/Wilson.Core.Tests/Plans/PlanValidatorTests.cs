using Wilson.Core.Items;
using Wilson.Core.Plans;

namespace Wilson.Core.Tests.Plans;

public sealed class PlanValidatorTests
{
    private static readonly HashSet<string> NoKeys = [];

    private static PlanItem Step(string reference, params string[] dependsOn) =>
        new(reference, new NewWorkItem { Title = $"Do {reference}", Dependencies = dependsOn });

    private static Plan Plan(params PlanItem[] items) => new("an idea", items);

    [Fact]
    public void Validate_ValidPlan_ReturnsNoErrors()
    {
        var plan = Plan(Step("schema"), Step("api", "schema"), Step("ui", "api", "schema"));

        Assert.Empty(PlanValidator.Validate(plan, NoKeys));
    }

    [Fact]
    public void Validate_Cycle_NamesThePath()
    {
        var plan = Plan(Step("a", "b"), Step("b", "a"));

        Assert.Equal(["dependency cycle: a -> b -> a"], PlanValidator.Validate(plan, NoKeys));
    }

    [Fact]
    public void Validate_SelfDependency_IsACycle()
    {
        var plan = Plan(Step("a", "a"));

        Assert.Equal(["dependency cycle: a -> a"], PlanValidator.Validate(plan, NoKeys));
    }

    [Fact]
    public void Validate_UnknownDependency_IsNamed()
    {
        var plan = Plan(Step("a"), Step("b", "a", "c"));

        Assert.Equal(["b depends on 'c', which is neither in the plan nor an existing item"], PlanValidator.Validate(plan, NoKeys));
    }

    [Fact]
    public void Validate_DependencyOnExistingKey_IsAllowed()
    {
        var plan = Plan(Step("a", "T-4"));

        Assert.Empty(PlanValidator.Validate(plan, new HashSet<string> { "T-4" }));
    }

    [Fact]
    public void Validate_DependencyOnMissingKey_IsNamed()
    {
        var plan = Plan(Step("a", "T-5"));

        Assert.Equal(
            ["a depends on 'T-5', which is neither in the plan nor an existing item"],
            PlanValidator.Validate(plan, new HashSet<string> { "T-4" }));
    }

    [Fact]
    public void Validate_DuplicateRefs_AreNamed()
    {
        var plan = Plan(Step("a"), Step("a"), Step("b"));

        Assert.Equal(["'a' names 2 items; each item needs its own name"], PlanValidator.Validate(plan, NoKeys));
    }

    [Fact]
    public void Validate_EmptyPlan_IsRefused()
    {
        Assert.Equal(["the plan has no items"], PlanValidator.Validate(Plan(), NoKeys));
    }

    [Fact]
    public void Validate_BadItemFields_ArePrefixedWithTheRef()
    {
        var plan = Plan(new PlanItem("a", new NewWorkItem { Title = "", Priority = 11 }));

        Assert.Equal(
            ["a: title: must not be empty", "a: priority: 11 is outside 1-10 (1 is the most urgent)"],
            PlanValidator.Validate(plan, NoKeys));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var plan = Plan(Step("a", "b"), Step("b", "a", "ghost"), Step("b"));

        var errors = PlanValidator.Validate(plan, NoKeys);

        Assert.Equal(
            [
                "'b' names 2 items; each item needs its own name",
                "b depends on 'ghost', which is neither in the plan nor an existing item",
                "dependency cycle: a -> b -> a",
            ],
            errors);
    }
}
