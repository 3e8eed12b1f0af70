using Wilson.Core.Events;
using Wilson.Core.Workflow;

namespace Wilson.Core.Tests.Events;

public sealed class EventQueryTests
{
    [Fact]
    public void Types_WithAnEmptyName_AreRefusedSayingWhatToGive()
    {
        var included = Assert.Throws<ArgumentException>(() => new EventQuery { Types = ["item.created", " "] });
        var excluded = Assert.Throws<ArgumentException>(() => new EventQuery { ExcludedTypes = [""] });

        Assert.Equal("Types", included.ParamName);
        Assert.Equal("ExcludedTypes", excluded.ParamName);
        Assert.StartsWith("ExcludedTypes: an empty type name matches nothing; name a type such as item.created, or a prefix such as agent.",
            excluded.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent.", true)]
    [InlineData("agent.text", false)]
    [InlineData("agent", false)]
    public void IsTypePrefix_WhenItEndsInADot(string type, bool prefix)
    {
        Assert.Equal(prefix, EventQuery.IsTypePrefix(type));
    }

    [Fact]
    public void ActorKind_NotACombinationOfKinds_IsRefused()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new EventQuery { ActorKind = (ActorKind)8 });

        Assert.Equal("ActorKind", refused.ParamName);
        Assert.Equal(ActorKind.Person | ActorKind.System, new EventQuery { ActorKind = ActorKind.Person | ActorKind.System }.ActorKind);
    }
}
