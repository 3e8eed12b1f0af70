using Wilson.Core.Items;

namespace Wilson.Core.Tests.Items;

public sealed class WorkItemRulesTests
{
    [Theory]
    [InlineData("T-1")]
    [InlineData("T-12")]
    [InlineData("T-1000000")]
    public void IsKey_KeyLikeT12_IsTrue(string key)
    {
        Assert.True(WorkItemRules.IsKey(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("T-")]
    [InlineData("T-0")]
    [InlineData("T-01")]
    [InlineData("t-1")]
    [InlineData("T1")]
    [InlineData("T-1a")]
    [InlineData(" T-1")]
    [InlineData("T-1 ")]
    [InlineData("T-1\n")]
    [InlineData("X-1")]
    [InlineData("T--1")]
    public void IsKey_AnythingElse_IsFalse(string key)
    {
        Assert.False(WorkItemRules.IsKey(key));
    }

    [Theory]
    [InlineData(1, "T-1")]
    [InlineData(12, "T-12")]
    [InlineData(1234567, "T-1234567")]
    public void FormatKey_Number_IsTDashNumber(long number, string expected)
    {
        Assert.Equal(expected, WorkItemRules.FormatKey(number));
        Assert.True(WorkItemRules.IsKey(WorkItemRules.FormatKey(number)));
    }
}
