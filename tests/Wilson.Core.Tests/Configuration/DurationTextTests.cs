using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class DurationTextTests
{
    public static TheoryData<string, TimeSpan> Durations => new()
    {
        { "500ms", TimeSpan.FromMilliseconds(500) },
        { "30s", TimeSpan.FromSeconds(30) },
        { "5m", TimeSpan.FromMinutes(5) },
        { "1h", TimeSpan.FromHours(1) },
        { "1.5h", TimeSpan.FromMinutes(90) },
        { "0s", TimeSpan.Zero },
        { " 10M ", TimeSpan.FromMinutes(10) },
        { "2H", TimeSpan.FromHours(2) },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void TryParse_Duration_ReadsIt(string text, TimeSpan expected)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("-5m")]
    [InlineData("5d")]
    [InlineData("five minutes")]
    [InlineData("5m30s")]
    [InlineData("NaNs")]
    public void TryParse_NotADuration_ReturnsFalse(string text)
    {
        Assert.False(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Theory]
    [InlineData("99999999999h")]
    [InlineData("1e300ms")]
    [InlineData("Infinitys")]
    public void TryParse_TooLong_ReturnsFalse(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    public static TheoryData<TimeSpan, string> Formats => new()
    {
        { TimeSpan.FromHours(2), "2h" },
        { TimeSpan.FromMinutes(90), "90m" },
        { TimeSpan.FromMinutes(5), "5m" },
        { TimeSpan.FromSeconds(30), "30s" },
        { TimeSpan.FromSeconds(1.5), "1500ms" },
        { TimeSpan.FromMilliseconds(250), "250ms" },
        { TimeSpan.Zero, "0ms" },
        { TimeSpan.FromDays(1), "24h" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Format_Duration_UsesTheLargestWholeUnit(TimeSpan value, string expected)
    {
        Assert.Equal(expected, DurationText.Format(value));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Format_ThenTryParse_RoundTrips(TimeSpan value, string text)
    {
        Assert.True(DurationText.TryParse(DurationText.Format(value), out var parsed), text);
        Assert.Equal(value, parsed);
    }
}
