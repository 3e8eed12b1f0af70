using Wilson.Application.Projects;
using Wilson.Core.Storage;
using Wilson.Llm;
using Wilson.Llm.Usage;
using Wilson.Orchestration.Merging;
using Wilson.Orchestration.Scheduling;
using Wilson.Orchestration.Workers;

namespace Wilson.Application.Hosting;

/// <summary>Puts together a project's scheduler, workers and merge queue: what serves it, in <c>wilson serve</c> and in <c>idea --wait</c>.</summary>
public static class ProjectOrchestrators
{
    /// <summary>The orchestrator for <paramref name="served"/>, with the commands a killed Wilson left behind swept first.</summary>
    /// <param name="store">The store the project lives in.</param>
    /// <param name="served">The project.</param>
    /// <param name="models">The machine's models.</param>
    /// <param name="workers">How many agents may run at once.</param>
    /// <param name="environment">The environment commands start from (secrets are removed from it per command).</param>
    /// <param name="time">The clock.</param>
    /// <param name="onSweep">Told what each lease sweep moved.</param>
    /// <param name="cancellationToken">Stops the sweep of old commands.</param>
    public static async Task<Orchestrator> CreateAsync(
        IWorkStore store, ServedProject served, ModelServices models, int workers, IReadOnlyDictionary<string, string> environment, TimeProvider time,
        Action<SweepResult>? onSweep, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var workspace = new ProjectWorkspace(served.Project, served.Root, served.Config, environment, time);

        // Commands a killed Wilson left running die before anything starts again.
        await workspace.Pids.SweepAsync(cancellationToken);
        var budget = new StartBudget(models.Catalog, store, time);
        var options = new OrchestratorOptions
        {
            Workers = workers, LeaseDuration = served.Config.LeaseDuration, MaxAttempts = served.Config.MaxAttempts,
            SafetyInterval = LeaseSweeper.IntervalFor(served.Config.LeaseDuration),
            StartGate = async ct => await budget.WhyNotAsync(served.Project.Id, ct) ?? AtCapacity(models),
        };
        return new Orchestrator(
            store, served.Project, served.Pipelines, new AgentStageRunner(store, workspace, models, models.Catalog, pipelines: served.Pipelines), options, time,
            onSweep, new MergeQueue(store, workspace, served.Pipelines));
    }

    // Runs already waiting for room on the models: a new one would only wait behind them, holding its item.
    private static string? AtCapacity(ModelServices models) =>
        models.Lifecycle.Waiting is > 0 and var waiting ? $"the models are at capacity: {waiting} run(s) wait for room" : null;
}
