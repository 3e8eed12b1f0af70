using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Storage.Tests;

/// <summary>Reading the event log narrowed (type, actor, time, text) and from its end.</summary>
public abstract partial class WorkStoreContractTests
{
    private Task<WorkEvent> NoteAsync(string type, Actor? actor = null, string payloadJson = "{}") =>
        Store.AppendEventAsync(new NewEvent(Project.Id, null, type, actor ?? Actor.System, payloadJson), Ct);

    private async Task<List<string>> TypesAsync(EventQuery query) =>
        [.. (await Store.ReadEventsAsync(query with { ProjectId = Project.Id, AfterSequence = 1 }, Ct)).Select(e => e.Type)];

    [Fact]
    public async Task ReadEventsAsync_ByTypes_ExactNamesAndPrefixesEndingInADot()
    {
        await NoteAsync("agent.text");
        await NoteAsync("agent.tool_call");
        await NoteAsync("agentx.other");
        await NoteAsync("item.feedback");

        Assert.Equal(["agent.text", "agent.tool_call"], await TypesAsync(new EventQuery { Types = ["agent."] }));
        Assert.Equal(["agent.text", "item.feedback"], await TypesAsync(new EventQuery { Types = ["item.feedback", "agent.text"] }));
        Assert.Equal(["agent.tool_call", "item.feedback"], await TypesAsync(new EventQuery { Types = ["item.", "agent.tool_call"] }));
        Assert.Empty(await TypesAsync(new EventQuery { Types = ["agent"] }));
        Assert.Empty(await TypesAsync(new EventQuery { Types = ["Agent."] }));
    }

    [Fact]
    public async Task ReadEventsAsync_ExcludedTypes_LeaveThemOut_AndWinOverIncludedOnes()
    {
        await NoteAsync("agent.text");
        await NoteAsync("agent.tool_call");
        await NoteAsync("item.feedback");

        Assert.Equal(["agent.tool_call"], await TypesAsync(new EventQuery { Types = ["agent."], ExcludedTypes = ["agent.text"] }));
        Assert.Empty(await TypesAsync(new EventQuery { Types = ["item.feedback"], ExcludedTypes = ["item.feedback"] }));
        Assert.Equal(["item.feedback"], await TypesAsync(new EventQuery { ExcludedTypes = ["agent."] }));
        Assert.Equal(["agent.text", "agent.tool_call", "item.feedback"], await TypesAsync(new EventQuery { ExcludedTypes = [] }));
    }

    [Fact]
    public async Task ReadEventsAsync_EmptySetOfTypes_MatchesNothing()
    {
        await NoteAsync("agent.text");

        Assert.Empty(await Store.ReadEventsAsync(new EventQuery { Types = [] }, Ct));
        Assert.Empty(await Store.ReadLastEventsAsync(new EventQuery { Types = [] }, Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_ByActorOrKindOfActor()
    {
        await NoteAsync("test.note", Actor.Person("ada"));
        await NoteAsync("test.other", Actor.Person("bob"));
        await NoteAsync("test.third", Actor.Agent("developer"));
        await NoteAsync("test.fourth", Actor.Agent("ada"));

        Assert.Equal(["test.note"], await TypesAsync(new EventQuery { Actor = Actor.Person("ada") }));
        Assert.Equal(["test.note", "test.other"], await TypesAsync(new EventQuery { ActorKind = ActorKind.Person }));
        Assert.Equal(["test.third", "test.fourth"], await TypesAsync(new EventQuery { ActorKind = ActorKind.Agent }));
        Assert.Equal(["test.other", "test.fourth"], await TypesAsync(new EventQuery { ActorKind = ActorKind.Person | ActorKind.Agent, ExcludedTypes = ["test.note", "test.third"] }));
        Assert.Empty(await TypesAsync(new EventQuery { ActorKind = ActorKind.System }));
        Assert.Empty(await TypesAsync(new EventQuery { ActorKind = 0 }));
        Assert.Empty(await TypesAsync(new EventQuery { Actor = Actor.Person("ada"), ActorKind = ActorKind.Agent }));
        Assert.Empty(await TypesAsync(new EventQuery { Actor = Actor.Person("nobody") }));
    }

    [Fact]
    public async Task ReadEventsAsync_ByTimeRange_FromInclusiveToExclusive()
    {
        var start = Time.GetUtcNow();
        await NoteAsync("at.zero");
        Time.Advance(TimeSpan.FromMinutes(1));
        await NoteAsync("at.one");
        Time.Advance(TimeSpan.FromMinutes(1));
        await NoteAsync("at.two");

        Assert.Equal(["at.one", "at.two"], await TypesAsync(new EventQuery { From = start.AddMinutes(1) }));
        Assert.Equal(["at.zero"], await TypesAsync(new EventQuery { To = start.AddMinutes(1) }));
        Assert.Equal(["at.one"], await TypesAsync(new EventQuery { From = start.AddMinutes(1), To = start.AddMinutes(2) }));
        Assert.Empty(await TypesAsync(new EventQuery { From = start.AddMinutes(1), To = start.AddMinutes(1) }));
        Assert.Empty(await TypesAsync(new EventQuery { From = start.AddHours(1) }));
    }

    [Fact]
    public async Task ReadEventsAsync_TimeRangeEndingBeforeItStarts_IsRefusedSayingSo()
    {
        var now = Time.GetUtcNow();

        var refused = await Assert.ThrowsAsync<ArgumentException>(
            () => Store.ReadEventsAsync(new EventQuery { From = now, To = now.AddMinutes(-1) }, Ct));

        Assert.Equal("query", refused.ParamName);
        Assert.StartsWith("the time range ends before it starts: From 2026-11-23T09:00:00.0000000+00:00 is after To 2026-11-23T08:59:00.0000000+00:00",
            refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEventsAsync_ByText_InTypeOrPayloadIgnoringCase()
    {
        await NoteAsync("deploy.finished", payloadJson: """{"note":"Deploy FAILED on stage"}""");
        await NoteAsync("agent.tool_call", payloadJson: """{"name":"run_tests"}""");
        await NoteAsync("test.quiet");

        Assert.Equal(["deploy.finished"], await TypesAsync(new EventQuery { Text = "failed" }));
        Assert.Equal(["agent.tool_call"], await TypesAsync(new EventQuery { Text = "TOOL_CALL" }));
        Assert.Empty(await TypesAsync(new EventQuery { Text = "nowhere" }));
    }

    [Fact]
    public async Task ReadEventsAsync_TextWithPercentOrUnderscore_MatchesThemAsThemselves()
    {
        await NoteAsync("test.note", payloadJson: """{"note":"50% done"}""");
        await NoteAsync("test.note", payloadJson: """{"note":"500 done"}""");
        await NoteAsync("test.note", payloadJson: """{"note":"run_tests"}""");
        await NoteAsync("test.note", payloadJson: """{"note":"runXtests"}""");

        var percent = await Store.ReadEventsAsync(new EventQuery { Text = "0%", AfterSequence = 1 }, Ct);
        var underscore = await Store.ReadEventsAsync(new EventQuery { Text = "n_t", AfterSequence = 1 }, Ct);

        Assert.Equal("""{"note":"50% done"}""", Assert.Single(percent).PayloadJson);
        Assert.Equal("""{"note":"run_tests"}""", Assert.Single(underscore).PayloadJson);
    }

    [Fact]
    public async Task ReadEventsAsync_ByText_FindsWhatJsonWritesEscaped()
    {
        await AddAsync("Menu");
        await Store.TransitionAsync(Project.Id, "T-1", TransitionTarget.ToStatus(WorkStatus.Paused), "don't start the café yet", Actor.Person("ada"), null, Ct);

        var found = await Store.ReadEventsAsync(new EventQuery { Text = "don't start the café" }, Ct);

        Assert.Equal(EventTypes.ItemTransitioned, Assert.Single(found).Type);
    }

    [Fact]
    public async Task ReadEventsAsync_BeforeASequence_StopsThere()
    {
        for (var i = 0; i < 5; i++)
        {
            await NoteAsync("test.note");
        }

        var between = await Store.ReadEventsAsync(new EventQuery { AfterSequence = 2, BeforeSequence = 5 }, Ct);

        Assert.Equal([3L, 4L], between.Select(e => e.Sequence));
        Assert.Empty(await Store.ReadEventsAsync(new EventQuery { AfterSequence = 4, BeforeSequence = 5 }, Ct));
    }

    [Fact]
    public async Task ReadLastEventsAsync_TheNewestOldestFirst_AndPagesBackToTheStart()
    {
        for (var i = 0; i < 6; i++)
        {
            await NoteAsync("test.note");
        }

        var pages = new List<List<long>>();
        var query = new EventQuery { Limit = 3 };
        for (var page = await Store.ReadLastEventsAsync(query, Ct); page.Count > 0;
             page = await Store.ReadLastEventsAsync(query with { BeforeSequence = page[0].Sequence }, Ct))
        {
            pages.Add([.. page.Select(e => e.Sequence)]);
        }

        // Seven events: the project's registration, then the six notes.
        Assert.Equal([[5L, 6L, 7L], [2L, 3L, 4L], [1L]], pages);
        Assert.Empty(await Store.ReadLastEventsAsync(query with { BeforeSequence = 1 }, Ct));
    }

    [Fact]
    public async Task ReadLastEventsAsync_NarrowedByTypeProjectAndItem()
    {
        var other = await TestStores.RegisterAsync(Store, "other", Ct);
        await AddAsync("mine");
        await NoteAsync("agent.text");
        await NoteAsync("item.feedback");
        await NoteAsync("agent.text", payloadJson: """{"n":2}""");
        await NoteAsync("agent.text", payloadJson: """{"n":3}""");
        await Store.AppendEventAsync(new NewEvent(other.Id, null, "agent.text", Actor.System, """{"n":4}"""), Ct);
        await Store.TransitionAsync(Project.Id, "T-1", TransitionTarget.ToStatus(WorkStatus.Paused), "hold", Actor.Person("ada"), null, Ct);

        var lastText = await Store.ReadLastEventsAsync(new EventQuery { ProjectId = Project.Id, Types = ["agent.text"], Limit = 2 }, Ct);
        var lastOfItem = await Store.ReadLastEventsAsync(new EventQuery { ProjectId = Project.Id, ItemKey = "T-1", Limit = 1 }, Ct);
        var fewer = await Store.ReadLastEventsAsync(new EventQuery { ProjectId = other.Id, Limit = 10 }, Ct);

        Assert.Equal(["""{"n":2}""", """{"n":3}"""], lastText.Select(e => e.PayloadJson));
        Assert.Equal(EventTypes.ItemTransitioned, Assert.Single(lastOfItem).Type);
        Assert.Equal([EventTypes.ProjectCreated, "agent.text"], fewer.Select(e => e.Type));
        Assert.Empty(await Store.ReadLastEventsAsync(new EventQuery { ProjectId = other.Id + 1000 }, Ct));
    }

    public static TheoryData<EventQuery> Queries => new()
    {
        new EventQuery(),
        new EventQuery { AfterSequence = 3, BeforeSequence = 9 },
        new EventQuery { ItemKey = "T-1" },
        new EventQuery { Types = ["agent.", "item.created"], ExcludedTypes = ["agent.text"] },
        new EventQuery { Types = [] },
        new EventQuery { Actor = Actor.Person("ada") },
        new EventQuery { ActorKind = ActorKind.Agent | ActorKind.System },
        new EventQuery { From = new DateTimeOffset(2026, 11, 23, 9, 1, 0, TimeSpan.Zero), To = new DateTimeOffset(2026, 11, 23, 9, 3, 0, TimeSpan.Zero) },
        new EventQuery { Text = "DON'T" },
        new EventQuery { Text = "tool_" },
        new EventQuery { Text = "50%", ActorKind = ActorKind.Agent },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task EventQueryMatches_InMemory_AgreesWithTheStore(EventQuery query)
    {
        await AddAsync("Menu");
        for (var minute = 0; minute < 5; minute++)
        {
            await NoteAsync("agent.text", Actor.Agent("developer"), $$"""{"minute":{{minute}},"note":"50% there"}""");
            await NoteAsync("agent.tool_call", Actor.Agent("tester"), """{"name":"run_tests"}""");
            await NoteAsync("item.feedback", Actor.Person("ada"), """{"text":"plain"}""");
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        await Store.TransitionAsync(Project.Id, "T-1", TransitionTarget.ToStatus(WorkStatus.Paused), "don't start yet", Actor.Person("bob"), null, Ct);
        var all = await Store.ReadEventsAsync(new EventQuery(), Ct);

        var read = await Store.ReadEventsAsync(query, Ct);

        Assert.Equal(all.Where(query.Matches).Select(e => e.Sequence), read.Select(e => e.Sequence));
    }
}
