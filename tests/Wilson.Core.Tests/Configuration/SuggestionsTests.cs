using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class SuggestionsTests
{
    private static readonly string[] Keys = ["name", "role", "on_fail", "gate", "expect", "description"];

    [Theory]
    [InlineData("rol", "role")]
    [InlineData("ROLE", "role")]
    [InlineData("onfail", "on_fail")]
    [InlineData("expects", "expect")]
    [InlineData("descripton", "description")]
    public void Closest_Typo_ReturnsTheKnownName(string given, string expected)
    {
        Assert.Equal(expected, Suggestions.Closest(given, Keys));
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("x")]
    [InlineData("approval_policy")]
    public void Closest_NothingClose_ReturnsNull(string given)
    {
        Assert.Null(Suggestions.Closest(given, Keys));
    }

    [Fact]
    public void Closest_NoCandidates_ReturnsNull()
    {
        Assert.Null(Suggestions.Closest("role", []));
    }

    [Fact]
    public void Closest_LongName_AllowsMoreEdits()
    {
        // A third of 12 characters: four edits still read as a typo.
        Assert.Equal("test_command", Suggestions.Closest("tst_comand12", ["name", "test_command"]));
    }

    [Fact]
    public void DidYouMean_Typo_IsAPhrase()
    {
        Assert.Equal(" (did you mean 'role'?)", Suggestions.DidYouMean("rol", Keys));
        Assert.Equal("", Suggestions.DidYouMean("timeout", Keys));
    }
}
