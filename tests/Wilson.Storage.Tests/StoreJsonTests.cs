using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Workflow;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Tests;

public sealed class StoreJsonTests
{
    public static TheoryData<string, object?> Transitions => new()
    {
        { "develop passed: add is written", new { owner = "worker-1" } },
        { "a reason with \"quotes\", <html> & ünïcödé", new { owner = "w", leaseExpiresAt = DateTimeOffset.UnixEpoch, attempt = 2 } },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void WriteTransition_WritesWhatTheSerializerWritesForTheSameShape(string reason, object? details)
    {
        var transition = new Transition("T-7", "develop", WorkStatus.Running, "test", WorkStatus.Ready, reason, Actor.System);

        var written = StoreJson.WriteTransition(transition, details);

        var serialized = JsonSerializer.Serialize(new
        {
            from = new { stage = "develop", status = WorkStatus.Running },
            to = new { stage = "test", status = WorkStatus.Ready },
            reason,
            details,
        }, StoreJson.Options);
        Assert.Equal(serialized, written);
    }

    [Fact]
    public void Payloads_AreWrittenAsEventQueryLooksForText_WithTheDefaultEncoder()
    {
        var written = StoreJson.WriteTransition(new Transition("T-1", "plan", WorkStatus.Ready, "plan", WorkStatus.Paused, "don't", Actor.System), null);

        Assert.Null(StoreJson.Options.Encoder);
        Assert.Contains(EventQuery.TextForms("don't")[^1], written, StringComparison.Ordinal);
    }
}
