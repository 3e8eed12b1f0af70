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
    private WorkItem _plan = null!;

    public async Task InitializeAsync()
    {
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Path), TimeProvider.System, Ct);
        _project = await TestStores.RegisterAsync(_store, "shop", Ct);
        _item = (await _store.AddItemAsync(_project.Id, new NewWorkItem { Title = "Checkout", AcceptanceCriteria = ["one can pay"] }, Actor.Person("ada"), Ct)).Item!;
        _plan = (await _store.AddItemAsync(_project.Id, new NewWorkItem
        {
            Title = "A shop", AcceptanceCriteria = ["the idea is broken into items"], Kind = WorkKind.Plan, Pipeline = "plan",
        }, Actor.Person("ada"), Ct)).Item!;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private Task<string> CallAsync(string role, string tool, string argumentsJson, PlanRules? rules = null) =>
        CallOnAsync(tool is "create_item" ? _plan : _item, role, tool, argumentsJson, rules);

    private Task<string> CallOnAsync(WorkItem item, string role, string tool, string argumentsJson, PlanRules? rules = null) =>
        new RoleTools(_store, item, role, rules).All().Single(t => t.Name == tool).Run(JsonDocument.Parse(argumentsJson).RootElement, Ct);

    [Fact]
    public void A_plan_offers_create_item_and_any_other_item_refine_item_the_other_withheld_saying_why()
    {
        var onPlan = new RoleTools(_store, _plan, "planner").All().ToDictionary(t => t.Name);
        var onItem = new RoleTools(_store, _item, "planner").All().ToDictionary(t => t.Name);

        Assert.Equal(["create_item", "refine_item", "report_bug", "request_changes"], onPlan.Keys);
        Assert.Null(onPlan["create_item"].Withheld);
        Assert.StartsWith("refine_item is for an item's own plan stage", onPlan["refine_item"].Withheld, StringComparison.Ordinal);
        Assert.Null(onItem["refine_item"].Withheld);
        Assert.StartsWith("create_item is for plans only: this is T-1's own plan stage", onItem["create_item"].Withheld, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_holds_at_most_its_bound_of_items_each_title_once_bugs_included()
    {
        var rules = new PlanRules { MaxItems = 3 };
        await CallAsync("planner", "create_item", """{"title":"Cart","acceptance_criteria":["a cart"]}""", rules);
        var twin = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("planner", "create_item", """{"title":" cart ","acceptance_criteria":["again"]}""", rules));
        await CallAsync("planner", "create_item", """{"title":"Pay","acceptance_criteria":["one pays"]}""", rules);
        var cart = (await _store.GetItemAsync(_project.Id, "T-3", Ct))!;
        await CallOnAsync(cart, "tester", "report_bug", """{"title":"Cart loses items","description":"after a reload"}""", rules);
        var full = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("planner", "create_item", """{"title":"Refunds","acceptance_criteria":["refunds work"]}""", rules));
        var noBug = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallOnAsync(cart, "tester", "report_bug", """{"title":"Another","description":"x"}""", rules));

        Assert.Equal("T-3 already has the title 'Cart' here: create each item once; finish now with a summary of the plan", twin.Message);
        Assert.Equal("T-2 already holds 3 items, the most it may (planning.max_items in .wilson/wilson.yaml): finish now with a summary of the plan", full.Message);
        Assert.Equal(
            "T-2 already holds 3 items, the most it may (planning.max_items in .wilson/wilson.yaml): finish with result fail and describe the bug in your summary",
            noBug.Message);
        var items = (await _store.ListItemsAsync(_project.Id, ItemQuery.All, Ct)).Items;
        Assert.Equal(["Cart", "Pay", "Cart loses items"], items.Where(i => i.Key is not ("T-1" or "T-2")).Select(i => i.Title));
    }

    [Fact]
    public async Task Create_item_without_a_criterion_is_refused_rather_than_left_a_draft_nothing_runs()
    {
        // Seen in PipelineFuzzTests (seed 1): a weak model's item without criteria stayed Draft, and idea --wait waited for it for ever.
        var none = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("planner", "create_item", """{"title":"Cart","acceptance_criteria":[]}"""));
        var blank = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(
            () => CallAsync("planner", "create_item", """{"title":"Cart","acceptance_criteria":[" ",""]}"""));

        Assert.Equal("acceptance_criteria cannot be empty: give each item at least one criterion a person can check", none.Message);
        Assert.Equal(none.Message, blank.Message);
        Assert.Equal(2, (await _store.ListItemsAsync(_project.Id, ItemQuery.All, Ct)).Items.Count);
    }

    [Fact]
    public async Task Create_item_offers_the_projects_pipelines_and_no_plans_unless_nesting_allows()
    {
        var flat = new RoleTools(_store, _plan, "planner", new PlanRules { Pipelines = ["standard", "tdd", "plan"] }).All()[0].Schema;
        var nested = new RoleTools(_store, _plan, "planner", new PlanRules { Pipelines = ["standard"], MayCreatePlans = true }).All()[0].Schema;

        string Enum(JsonElement schema, string property) =>
            string.Join(",", schema.GetProperty("properties").GetProperty(property).GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("standard,tdd", Enum(flat, "pipeline"));
        Assert.DoesNotContain("plan", Enum(flat, "kind"), StringComparison.Ordinal);
        Assert.Equal("standard,plan", Enum(nested, "pipeline"));
        Assert.EndsWith(",plan", Enum(nested, "kind"), StringComparison.Ordinal);
        var mixed = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(() => CallAsync("planner", "create_item",
            """{"title":"Sub-plan","acceptance_criteria":["x"],"kind":"plan","pipeline":"standard"}""", new PlanRules { MayCreatePlans = true }));
        Assert.StartsWith("a plan within the plan needs kind plan and pipeline plan together", mixed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_item_settles_the_items_criteria_and_creates_nothing()
    {
        var refined = await CallAsync("planner", "refine_item",
            """{"acceptance_criteria":["`sh test.sh` passes","paying empties the cart"],"verification":[{"kind":"file_exists","argument":"pay.sh"}]}""");
        var empty = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(() => CallAsync("planner", "refine_item", """{"acceptance_criteria":[]}"""));
        var nothing = await Assert.ThrowsAsync<Wilson.Agents.Workspaces.ToolException>(() => CallAsync("planner", "refine_item", "{}"));

        Assert.Equal("refined T-1: 2 criteria, 0 done checks, 1 verification steps", refined);
        var item = (await _store.GetItemAsync(_project.Id, "T-1", Ct))!;
        Assert.Equal(["`sh test.sh` passes", "paying empties the cart"], item.AcceptanceCriteria);
        Assert.Equal([new VerificationStep("file_exists", "pay.sh")], item.Verification);
        Assert.StartsWith("acceptance_criteria cannot be empty", empty.Message, StringComparison.Ordinal);
        Assert.StartsWith("give acceptance_criteria, definition_of_done or verification", nothing.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _store.ListItemsAsync(_project.Id, ItemQuery.All, Ct)).Items.Count);
    }

    [Fact]
    public async Task The_planner_creates_items_that_depend_on_the_ones_it_created_before()
    {
        var first = await CallAsync("planner", "create_item",
            """{"title":"Cart model","acceptance_criteria":["a cart holds items"],"definition_of_done":["documented"],"verification":[{"kind":"file_exists","argument":"cart.py"}],"priority":2,"tier":"standard"}""");
        var second = await CallAsync("planner", "create_item", """{"title":"Pay for the cart","description":"card only","acceptance_criteria":["paying empties the cart"],"depends_on":["T-3"]}""");

        Assert.Equal(("created T-3 (Ready)", "created T-4 (Ready)"), (first, second));
        var pay = (await _store.GetItemAsync(_project.Id, "T-4", Ct))!;
        Assert.Equal(["T-3"], pay.Dependencies);
        Assert.Equal(("T-2", "card only", WorkKind.Feature), (pay.Parent, pay.Description, pay.Kind));
        var cart = (await _store.GetItemAsync(_project.Id, "T-3", Ct))!;
        Assert.Equal((2, ComplexityTier.Standard), (cart.Priority, cart.Tier));
        Assert.Equal(["documented"], cart.DefinitionOfDone);
        Assert.Equal([new VerificationStep("file_exists", "cart.py")], cart.Verification);
        var created = (await _store.ReadEventsAsync(new EventQuery { ProjectId = _project.Id, ItemKey = "T-4" }, Ct))[0];
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
        Assert.Null(await _store.GetItemAsync(_project.Id, "T-3", Ct));
    }

    [Fact]
    public async Task A_reported_bug_is_a_bug_item_under_the_item_ranked_by_severity()
    {
        var reported = await CallAsync("tester", "report_bug", """{"title":"Paying twice charges twice","description":"double submit","steps_to_reproduce":"click pay twice","severity":"high"}""");

        Assert.Equal("reported T-3 (high)", reported);
        var bug = (await _store.GetItemAsync(_project.Id, "T-3", Ct))!;
        Assert.Equal((WorkKind.Bug, "T-1", 2), (bug.Kind, bug.Parent, bug.Priority));
        Assert.Contains("Steps to reproduce:\nclick pay twice", bug.Description, StringComparison.Ordinal);
        Assert.Contains("Found by the tester in T-1 (high).", bug.Description, StringComparison.Ordinal);
        var noted = (await _store.ReadEventsAsync(new EventQuery { ProjectId = _project.Id, ItemKey = "T-1" }, Ct))[^1];
        Assert.Equal(EventTypes.BugReported, noted.Type);
        Assert.Equal("T-3", JsonDocument.Parse(noted.PayloadJson).RootElement.GetProperty("bug").GetString());
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
            new ScriptedTurn { WhenContains = "created T-3", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"planned"}""")] },
        ]);
        var events = new ConcurrentQueue<AgentEvent>();

        var result = await new AgentLoop(model.Client(), new RoleTools(_store, _plan, "planner").All(), new AgentBudget(), events.Enqueue, TimeProvider.System)
            .RunAsync("You are the planner.", "Briefing: plan the checkout", Ct);

        Assert.Equal(AgentOutcome.Pass, result.Outcome);
        Assert.Contains(events, e => e.Text == "error: create_item: argument 'acceptance_criteria' must be an array, not a string");
        Assert.Equal("Cart", (await _store.GetItemAsync(_project.Id, "T-3", Ct))!.Title);
    }
}
