using Wilson.Core.Configuration;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Usage;
using Wilson.Llm;
using Wilson.Llm.Usage;

using Wilson.Testing.Models;

namespace Wilson.Orchestration.Tests;

/// <summary>Runnable includes "within budget": a project whose day's budget is spent starts nothing, and says so once.</summary>
public sealed class BudgetTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private OrchestratorFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await OrchestratorFixture.StartAsync(HonestAgents.Turns());

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private StartBudget Budget(long dayTokens) => new(ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", $"""
        project:
          name: greeter
        models:
          endpoints:
            local:
              protocol: ollama
          models:
            m:
              endpoint: local
          budgets:
            project_day_tokens: {dayTokens}
        """).Models, _ => null), _fixture.Store, TimeProvider.System);

    [Fact]
    public async Task A_spent_budget_holds_new_work_and_a_fresh_one_lets_it_start()
    {
        await _fixture.Store.RecordModelCallAsync(new ModelCall
        {
            ProjectId = _fixture.Project.Id, Purpose = "code", Model = "m", Endpoint = "local", InputTokens = 900, OutputTokens = 100,
            At = TimeProvider.System.GetUtcNow(), Duration = TimeSpan.FromSeconds(1),
        }, Ct);
        await _fixture.AddAsync("Held");
        var spent = Budget(1_000);

        Assert.Equal("this project's budget for today is spent (1,000 of 1,000 tokens; models.budgets.project_day_*)", await spent.WhyNotAsync(_fixture.Project.Id, Ct));
        await _fixture.RunUntilAsync(async () => (await _fixture.Store.ReadEventsAsync(new EventQuery { ProjectId = _fixture.Project.Id }, Ct)).Any(e => e.Type == EventTypes.SchedulerHeld),
            "the scheduler says it holds", OrchestratorFixture.Options with { StartGate = ct => spent.WhyNotAsync(_fixture.Project.Id, ct) });

        Assert.True(await _fixture.IsAsync("T-1", WorkStatus.Ready, "develop"), "nothing started");
        Assert.Empty(await _fixture.Store.ListExecutionsAsync(_fixture.Project.Id, "T-1", Ct));

        var larger = Budget(1_000_000);
        await _fixture.RunUntilAsync(() => _fixture.IsAsync("T-1", WorkStatus.AwaitingApproval), "work starts within the budget",
            OrchestratorFixture.Options with { StartGate = ct => larger.WhyNotAsync(_fixture.Project.Id, ct) });
    }
}
