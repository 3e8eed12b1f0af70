using System.Collections.Concurrent;
using System.Diagnostics;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Scheduling;
using Wilson.Orchestration.Workers;
using Wilson.Storage;
using Wilson.Testing;

namespace Wilson.Bench;

/// <summary>
/// The orchestrator's own cost: 200 items through a three-stage pipeline whose agents finish at once
/// (each still opens and closes its execution, as a real agent does), 8 workers. A handoff is from a
/// stage's result committed to the next stage's agent started; an item's overhead is its time from its
/// first stage's start to its last result committed, less the agents' own time.
/// </summary>
internal static class OrchestrationBench
{
    private const int Items = 200;
    private const int Workers = 8;
    private const double HandoffP50Target = 5;
    private const double HandoffP99Target = 25;
    private const double OverheadP99Target = 100;
    private static readonly string[] Stages = ["build", "check", "review"];

    // targeted: false prints the figures beside the targeted run without judging them (PostgreSQL).
    public static async Task RunAsync(string name, DatabaseLocation location, bool targeted, BenchReport report, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"== Orchestration on {name}: {Items} items, {Stages.Length} stages, {Workers} workers, agents that finish at once");
        using var pipelines = new TempDirectory("wilson-bench-pipelines");
        File.WriteAllText(Path.Combine(pipelines.Path, "three.yaml"),
            "name: three\nstages:\n  - name: build\n    role: developer\n  - name: check\n    role: tester\n  - name: review\n    role: reviewer\n  - name: done\n");
        var catalog = PipelineCatalog.Load(pipelines.Path);
        await using var store = await WorkStoreFactory.OpenAsync(location, new WorkflowStateMachine(catalog), TimeProvider.System, cancellationToken);
        var project = await store.RegisterProjectAsync(new Core.Projects.ProjectRegistration($"bench-{Guid.NewGuid():N}", "/tmp/bench", "main", "three"), Actor.System, cancellationToken);

        var clock = new StageClock();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new OrchestratorOptions
        {
            Workers = Workers,
            LeaseDuration = TimeSpan.FromMinutes(1),
            OnStageCommitted = (item, stage, _) =>
            {
                clock.Committed(item.Key, stage);
                if (clock.CommittedCount == Items * Stages.Length)
                {
                    finished.TrySetResult();
                }
            },
        };
        using var stop = new CancellationTokenSource();
        var orchestrator = new Orchestrator(store, project, catalog, new InstantAgents(store, clock), options, TimeProvider.System);
        var running = orchestrator.RunAsync(stop.Token);
        var started = Stopwatch.GetTimestamp();
        await store.AddItemsAsync(project.Id, [.. Enumerable.Range(1, Items).Select(i => new NewWorkItem
        {
            Title = $"item {i}", AcceptanceCriteria = ["it works"], Pipeline = "three", Tier = ComplexityTier.Standard,
        })], Actor.System, cancellationToken);
        await finished.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        await running;

        var handoffs = clock.Handoffs(Stages);
        var overheads = clock.Overheads(Stages);
        var (h50, h99) = (Percentile(handoffs, 0.50), Percentile(handoffs, 0.99));
        var (o50, o99) = (Percentile(overheads, 0.50), Percentile(overheads, 0.99));
        Console.WriteLine($"{Items} items through {Stages.Length} stages in {elapsed.TotalSeconds:0.0} s ({Items * Stages.Length / elapsed.TotalSeconds:0} stages/s)");
        Console.WriteLine($"handoff (result committed -> next agent started): p50 {h50:0.0} ms, p99 {h99:0.0} ms over {handoffs.Count}");
        Console.WriteLine($"whole-item orchestration overhead: p50 {o50:0.0} ms, p99 {o99:0.0} ms");
        report.Add(targeted
            ? new ReportRow(name, "stage handoff p50 / p99 ms", $"{h50:0.0} / {h99:0.0}", $"<= {HandoffP50Target} / {HandoffP99Target}", h50 <= HandoffP50Target && h99 <= HandoffP99Target)
            : new ReportRow(name, "stage handoff p50 / p99 ms", $"{h50:0.0} / {h99:0.0}"));
        report.Add(targeted
            ? new ReportRow(name, "whole-item orchestration overhead p99 ms", $"{o99:0.0}", $"<= {OverheadP99Target}", o99 <= OverheadP99Target)
            : new ReportRow(name, "whole-item orchestration overhead p99 ms", $"{o99:0.0}"));
    }

    private static double Percentile(List<double> values, double p)
    {
        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
    }

    /// <summary>When each item's stages started, ended and were committed, on one clock.</summary>
    private sealed class StageClock
    {
        private readonly ConcurrentDictionary<(string Key, string Stage), (long Start, long End, long Committed)> _times = new();
        private int _committed;

        public int CommittedCount => Volatile.Read(ref _committed);

        public void Started(string key, string stage) => _times[(key, stage)] = (Stopwatch.GetTimestamp(), 0, 0);

        public void Ended(string key, string stage) => _times.AddOrUpdate((key, stage), _ => throw new InvalidOperationException("ended before it started"),
            (_, t) => t with { End = Stopwatch.GetTimestamp() });

        public void Committed(string key, string stage)
        {
            _times.AddOrUpdate((key, stage), _ => throw new InvalidOperationException("committed before it started"), (_, t) => t with { Committed = Stopwatch.GetTimestamp() });
            Interlocked.Increment(ref _committed);
        }

        public List<double> Handoffs(string[] stages) =>
        [
            .. _times.Keys.Select(k => k.Key).Distinct().SelectMany(key => stages.Zip(stages.Skip(1),
                (from, to) => Ms(_times[(key, to)].Start - _times[(key, from)].Committed))),
        ];

        public List<double> Overheads(string[] stages) =>
        [
            .. _times.Keys.Select(k => k.Key).Distinct().Select(key =>
                Ms(_times[(key, stages[^1])].Committed - _times[(key, stages[0])].Start) - stages.Sum(s => Ms(_times[(key, s)].End - _times[(key, s)].Start))),
        ];

        private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Agents that pass at once, each recorded as an execution like a real one.</summary>
    private sealed class InstantAgents(IWorkStore store, StageClock clock) : IStageRunner
    {
        public async Task<StageRunResult> RunAsync(StageRun run, StageObserver observer, CancellationToken cancellationToken)
        {
            clock.Started(run.Item.Key, run.Stage.Name);
            var actor = Actor.Agent(run.Role);
            var execution = await store.StartExecutionAsync(new NewExecution(run.Item.ProjectId, run.Item.Key, run.Stage.Name, run.Role, run.Worker, run.HandoffIn), actor, cancellationToken);
            var closed = await store.FinishExecutionAsync(execution.Id, new ExecutionEnd(ExecutionResult.Pass, "done at once"), actor, cancellationToken);
            clock.Ended(run.Item.Key, run.Stage.Name);
            return new StageRunResult(ExecutionResult.Pass, closed.Summary, closed);
        }
    }
}
