using System.Collections.Concurrent;
using System.Text.Json;
using Wilson.Agents.Running;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Agents.Tests.Running;

/// <summary>The planner's, tester's, security agent's and reviewer's own tools, writing to a real store.</summary>
public sealed class RoleToolsTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _directory = new("wilson-roletools");
    private IWorkStore _store = null!;
    private Project _project = null!;
    private WorkItem _item = null!;

    public async Task InitializeAsync()
    {
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Path), TimeProvider.System, Ct);
        _project = await TestStores.RegisterAsync(_store, "shop", Ct);
        _item = (await _store.AddItemAsync(_project.Id, new NewWorkItem { Title = "Checkout", AcceptanceCriteria = ["one can pay"] }, Actor.Person("ada"), Ct)).Item!;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private Task<string> CallAsync(string role, string tool, string argumentsJson) =>
        new RoleTools(_store, _item, role).All().Single(t => t.Name == tool).Run(JsonDocument.Parse(argumentsJson).RootElement, Ct);

    [Theory]
    [InlineData("planner", "create_item")]
    [InlineData("tester", "report_bug")]
    [InlineData("security", "report_bug")]
    [InlineData("reviewer", "request_changes")]
    [InlineData("developer", "")]
    [InlineData("docs", "")]
    public void Each_role_gets_its_own_tools(string role, string tool) =>
        Assert.Equal(tool, string.Join(",", new RoleTools(_store, _item, role).All().Select(t => t.Name)));

    [Fact]
    public async Task The_planner_creates_items_that_depend_on_the_ones_it_created_before()
    {
        var first = await CallAsync("planner", "create_item",
            """{"title":"Cart model","acceptance_criteria":["a cart holds items"],"definition_of_done":["documented"],"verification":[{"kind":"file_exists","argument":"cart.py"}],"priority":2,"tier":"standard"}""");
        var second = await CallAsync("planner", "create_item", """{"title":"Pay for the cart","description":"card only","acceptance_criteria":["paying empties the cart"],"depends_on":["T-2"]}""");

        Assert.Equal(("created T-2 (Ready)", "created T-3 (Ready)"), (first, second));
        var pay = (await _store.GetItemAsync(_project.Id, "T-3", Ct))!;
        Assert.Equal(["T-2"], pay.Dependencies);
        Assert.Equal(("T-1", "card only", WorkKind.Feature), (pay.Parent, pay.Description, pay.Kind));
        var cart = (await _store.GetItemAsync(_project.Id, "T-2", Ct))!;
        Assert.Equal((2, ComplexityTier.Standard), (cart.Priority, cart.Tier));
        Assert.Equal(["documented"], cart.DefinitionOfDone);
        Assert.Equal([new VerificationStep("file_exists", "cart.py")], cart.Verification);
        var created = (await _store.ReadEventsAsync(new EventQuery { ProjectId = _project.Id, ItemKey = "T-3" }, Ct))[0];
        Assert.Equal(Actor.Agent("planner"), created.Actor);
    }

    [Fact]
    public async Task An_item_the_store_refuses_is_an_error_saying_why()
    {
        var unknown = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("planner", "create_item", """{"title":"Refunds","acceptance_criteria":["refunds work"],"depends_on":["T-42"]}"""));
        var tier = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("planner", "create_item", """{"title":"Refunds","acceptance_criteria":["refunds work"],"tier":"huge"}"""));

        Assert.StartsWith("the item was not created: ", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("T-42", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("tier must be one of trivial, standard, complex, not 'huge'", tier.Message);
        Assert.Null(await _store.GetItemAsync(_project.Id, "T-2", Ct));
    }

    [Fact]
    public async Task A_reported_bug_is_a_bug_item_under_the_item_ranked_by_severity()
    {
        var reported = await CallAsync("tester", "report_bug", """{"title":"Paying twice charges twice","description":"double submit","steps_to_reproduce":"click pay twice","severity":"high"}""");

        Assert.Equal("reported T-2 (high)", reported);
        var bug = (await _store.GetItemAsync(_project.Id, "T-2", Ct))!;
        Assert.Equal((WorkKind.Bug, "T-1", 2), (bug.Kind, bug.Parent, bug.Priority));
        Assert.Contains("Steps to reproduce:\nclick pay twice", bug.Description, StringComparison.Ordinal);
        Assert.Contains("Found by the tester in T-1 (high).", bug.Description, StringComparison.Ordinal);
        var noted = (await _store.ReadEventsAsync(new EventQuery { ProjectId = _project.Id, ItemKey = "T-1" }, Ct))[^1];
        Assert.Equal(EventTypes.BugReported, noted.Type);
        Assert.Equal("T-2", JsonDocument.Parse(noted.PayloadJson).RootElement.GetProperty("bug").GetString());
        var wrong = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("security", "report_bug", """{"title":"x","description":"y","severity":"urgent"}"""));
        Assert.Equal("severity must be one of critical, high, medium, low, not 'urgent'", wrong.Message);
    }

    [Fact]
    public async Task Requested_changes_reach_the_developer_once_as_feedback()
    {
        var requested = await CallAsync("reviewer", "request_changes", """{"summary":"almost","changes":["name the magic number","test the empty cart"]}""");

        Assert.Equal("requested 2 change(s); the developer gets them on its next turn", requested);
        var feedback = Assert.Single(await _store.TakeFeedbackAsync(_project.Id, "T-1", Ct));
        Assert.Equal("The reviewer requests changes: almost\n- name the magic number\n- test the empty cart\n", feedback.Text);
        Assert.Equal(Actor.Agent("reviewer"), feedback.From);
        await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(() => CallAsync("reviewer", "request_changes", """{"summary":"hm","changes":[]}"""));
    }

    [Fact]
    public async Task Through_the_loop_a_list_given_as_text_is_answered_with_what_was_wrong()
    {
        await using var model = await ScriptedModel.StartAsync(
        [
            new ScriptedTurn { WhenContains = "Briefing: plan", ToolCalls = [new ScriptedToolCall("create_item", """{"title":"Cart","acceptance_criteria":"a cart"}""")], Once = true },
            new ScriptedTurn { WhenContains = "must be an array", ToolCalls = [new ScriptedToolCall("create_item", """{"title":"Cart","acceptance_criteria":["a cart"]}""")], Once = true },
            new ScriptedTurn { WhenContains = "created T-2", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"planned"}""")] },
        ]);
        var events = new ConcurrentQueue<AgentEvent>();

        var result = await new AgentLoop(model.Client(), new RoleTools(_store, _item, "planner").All(), new AgentBudget(), events.Enqueue, TimeProvider.System)
            .RunAsync("You are the planner.", "Briefing: plan the checkout", Ct);

        Assert.Equal(AgentOutcome.Pass, result.Outcome);
        Assert.Contains(events, e => e.Text == "error: create_item: argument 'acceptance_criteria' must be an array, not string");
        Assert.Equal("Cart", (await _store.GetItemAsync(_project.Id, "T-2", Ct))!.Title);
    }
}
