using Wilson.Core.Workflow;

namespace Wilson.Core.Tests.Workflow;

public sealed class ActorTests
{
    [Theory]
    [InlineData("person:ada")]
    [InlineData("agent:developer")]
    [InlineData("system:wilson")]
    public void Parse_WhatToStringWrites_RoundTrips(string text)
    {
        Assert.Equal(text, Actor.Parse(text).ToString());
    }

    [Fact]
    public void Parse_NameWithColon_KeepsTheRest()
    {
        Assert.Equal(Actor.Person("ada:laptop"), Actor.Parse("person:ada:laptop"));
    }

    [Theory]
    [InlineData("cron", "cron")]
    [InlineData(":x", ":x")]
    public void Parse_NoKind_IsSystem(string text, string name)
    {
        Assert.Equal(new Actor(ActorKind.System, name), Actor.Parse(text));
    }

    [Fact]
    public void Parse_UnknownKind_IsSystem()
    {
        Assert.Equal(new Actor(ActorKind.System, "x"), Actor.Parse("robot:x"));
    }
}
