using Wilson.Core.Items;

namespace Wilson.Core.Tests.Items;

public sealed class NewWorkItemTests
{
    private static readonly NewWorkItem Valid = new()
    {
        Title = "Add an export button",
        Priority = 3,
        Parent = "T-2",
        Dependencies = ["T-1"],
        Verification = [new VerificationStep("tests_pass"), new VerificationStep("file_exists", "src/Export.cs")],
    };

    [Fact]
    public void Validate_ValidItem_ReturnsNoErrors()
    {
        Assert.Empty(Valid.Validate());
    }

    [Fact]
    public void Defaults_AreFeatureAtPriorityFive()
    {
        var item = new NewWorkItem { Title = "x" };

        Assert.Equal((WorkKind.Feature, 5, null, false), (item.Kind, item.Priority, item.Tier, item.KeepAsDraft));
        Assert.Empty(item.Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyTitle_IsAnError(string title)
    {
        Assert.Equal(["title: must not be empty"], (Valid with { Title = title }).Validate());
    }

    [Fact]
    public void Validate_TitleOverTwoHundredCharacters_IsAnError()
    {
        Assert.Empty((Valid with { Title = new string('x', 200) }).Validate());
        Assert.Equal(["title: longer than 200 characters"], (Valid with { Title = new string('x', 201) }).Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(-3)]
    public void Validate_PriorityOutOfRange_IsAnError(int priority)
    {
        Assert.Equal(
            [$"priority: {priority} is outside 1-10 (1 is the most urgent)"],
            (Valid with { Priority = priority }).Validate());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Validate_PriorityAtTheLimits_IsValid(int priority)
    {
        Assert.Empty((Valid with { Priority = priority }).Validate());
    }

    [Fact]
    public void Validate_BadDependencyKey_IsAnErrorPerKey()
    {
        var item = Valid with { Dependencies = ["T-1", "login", "t-2"] };

        Assert.Equal(
            ["depends-on: 'login' is not an item key like T-1", "depends-on: 't-2' is not an item key like T-1"],
            item.Validate());
    }

    [Fact]
    public void Validate_BadParentKey_IsAnError()
    {
        Assert.Equal(["parent: 'T2' is not an item key like T-1"], (Valid with { Parent = "T2" }).Validate());
    }

    [Fact]
    public void Validate_UnknownVerificationKind_IsAnError()
    {
        var item = Valid with { Verification = [new VerificationStep("looks_good")] };

        Assert.Equal(
            ["verification: unknown step 'looks_good' (known: file_exists, file_contains, command_succeeds, tests_pass, tests_fail, git_clean)"],
            item.Validate());
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var item = new NewWorkItem { Title = "", Priority = 0, Dependencies = ["x"] };

        Assert.Equal(3, item.Validate().Count);
    }
}
