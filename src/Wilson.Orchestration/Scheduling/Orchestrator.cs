using System.Collections.Concurrent;
using System.Text.Json;
using Wilson.Agents.Running;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Merging;
using Wilson.Core.Workers;
using Wilson.Orchestration.Workers;

namespace Wilson.Orchestration.Scheduling;

/// <summary>
/// The scheduler and its worker pool for one project. Woken by the store's events (an item added or
/// moved, a project resumed, a worker done; from this process or another), not by polling; a slow
/// safety sweep returns expired leases and picks up items whose wait has passed. While a worker is
/// free it claims the most urgent runnable item (Ready, dependencies Done, not paused, its wait over;
/// by priority, then age) and runs its stage on a fresh <see cref="Worker"/>.
/// </summary>
/// <param name="store">The store the items, leases and events live in.</param>
/// <param name="project">The project whose items it runs.</param>
/// <param name="pipelines">The pipelines the project's items follow.</param>
/// <param name="stages">What runs a stage (an agent).</param>
/// <param name="options">Workers, leases, retries.</param>
/// <param name="time">The clock of heartbeats, waits and the sweep.</param>
/// <param name="onSweep">Told what each lease sweep returned or dead-lettered (a terminal shows it).</param>
/// <param name="merges">The project's merge queue, run beside the workers; null when finished work is merged elsewhere.</param>
public sealed class Orchestrator(
    IWorkStore store, Project project, PipelineCatalog pipelines, IStageRunner stages, OrchestratorOptions options, TimeProvider time,
    Action<SweepResult>? onSweep = null, MergeQueue? merges = null)
{
    // Events after which something may have become runnable; agent output and the like wake nobody.
    private static readonly HashSet<string> Wakers =
    [
        EventTypes.ItemCreated, EventTypes.ItemEdited, EventTypes.ItemTransitioned, EventTypes.ProjectResumed, EventTypes.WorkerFinished,
    ];

    private readonly ConcurrentDictionary<string, Worker> _running = new(StringComparer.Ordinal);
    private readonly WakeSignal _wake = new();
    private readonly string _prefix = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
    private int _started;
    private string? _held;
    private long _nextRetryTicks = long.MaxValue;

    /// <summary>What each busy worker is doing.</summary>
    public IReadOnlyList<WorkerStatus> Workers => [.. _running.Values.Select(w => w.Status).OrderBy(s => s.Worker, StringComparer.Ordinal)];

    /// <summary>Pause and feedback for the agent running on <paramref name="itemKey"/>; null when none runs here.</summary>
    public AgentSteering? SteeringOf(string itemKey) => _running.Values.FirstOrDefault(w => w.Item.Key == itemKey)?.Steering;

    /// <summary>Runs until <paramref name="stopping"/>; then waits for the running stages to hand their items back.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        await SweepAsync(stopping);
        var workers = new List<Task>();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watcher = WatchAsync(await store.GetLastSequenceAsync(stopping), watching.Token);
        var merging = merges?.RunAsync(options.SafetyInterval, stopping) ?? Task.CompletedTask;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                while (_running.Count < options.Workers && await ClaimAsync(stopping) is { } worker)
                {
                    workers.Add(RunWorkerAsync(worker, stopping));
                }

                workers.RemoveAll(w => w.IsCompleted);
                if (!await WaitForWakeAsync(stopping))
                {
                    await SweepAsync(stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await watching.CancelAsync();
            await Task.WhenAll(workers);
            await WakeSignal.EndedAsync(watcher);
            await WakeSignal.EndedAsync(merging);
        }
    }

    private async Task SweepAsync(CancellationToken stopping)
    {
        var swept = await store.SweepExpiredLeasesAsync(project.Id, options.MaxAttempts, stopping);
        if (swept.Requeued.Count + swept.DeadLettered.Count > 0)
        {
            onSweep?.Invoke(swept);
        }
    }

    private async Task<Worker?> ClaimAsync(CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested || await HeldAsync(stopping))
        {
            return null;
        }

        // Not cancellable once asked: a claim that commits while its caller gives up would leave the item
        // Running with nobody on it until its lease ran out. A claimed item always gets its worker, which
        // hands it straight back if Wilson is stopping.
        var name = $"{_prefix}-w{Interlocked.Increment(ref _started)}";
        var item = await store.ClaimAsync(new ClaimRequest(name, options.LeaseDuration, project.Id), CancellationToken.None);
        if (item is null)
        {
            return null;
        }

        var worker = new Worker(name, item, pipelines.Get(item.Pipeline), store, stages, options, time);
        _running[name] = worker;
        return worker;
    }

    // A held start is said once (an event), not at every wake-up; the safety sweep looks again.
    private async Task<bool> HeldAsync(CancellationToken stopping)
    {
        var why = options.StartGate is null ? null : await options.StartGate(stopping);
        if (why is not null && why != _held)
        {
            await TryPublishAsync(new NewEvent(project.Id, null, EventTypes.SchedulerHeld, Actor.System, JsonSerializer.Serialize(new { reason = why })));
        }

        _held = why;
        return why is not null;
    }

    private async Task RunWorkerAsync(Worker worker, CancellationToken stopping)
    {
        try
        {
            await Task.Yield();
            await worker.RunAsync(stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A worker that cannot finish leaves its item to the lease sweep; say so if the store still listens.
            await TryPublishAsync(new NewEvent(project.Id, worker.Item.Key, EventTypes.WorkerFinished, Actor.System,
                JsonSerializer.Serialize(new { worker = worker.Name, applied = false, error = ex.Message })));
        }
        finally
        {
            _running.TryRemove(worker.Name, out _);
            if (worker.RetryAt is { } retryAt)
            {
                InterlockedMin(ref _nextRetryTicks, retryAt.UtcTicks);
            }

            _wake.Wake();
        }
    }

    /// <summary>True when woken (or an item's wait has passed); false when the safety interval passed first.</summary>
    private async Task<bool> WaitForWakeAsync(CancellationToken stopping)
    {
        var now = time.GetUtcNow().UtcTicks;
        var retry = Interlocked.Read(ref _nextRetryTicks);
        if (retry <= now)
        {
            Interlocked.CompareExchange(ref _nextRetryTicks, long.MaxValue, retry);
            return true;
        }

        var wait = retry == long.MaxValue ? options.SafetyInterval : TimeSpan.FromTicks(Math.Min(options.SafetyInterval.Ticks, retry - now));
        return await _wake.WaitAsync(wait, time, stopping) || wait < options.SafetyInterval;
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long current;
        while (value < (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private async Task WatchAsync(long after, CancellationToken cancellationToken)
    {
        await foreach (var e in store.WatchEventsAsync(new EventQuery { AfterSequence = after, ProjectId = project.Id }, cancellationToken))
        {
            if (Wakers.Contains(e.Type))
            {
                _wake.Wake();
            }

            try
            {
                await SteerAsync(e, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Steering one run must never stop the wake-ups of all the others.
                await TryPublishAsync(new NewEvent(project.Id, e.ItemKey, EventTypes.WorkerFinished, Actor.System,
                    JsonSerializer.Serialize(new { applied = false, error = $"could not pass on {e.Type}: {ex.Message}" })));
            }
        }
    }

    // What a person does reaches the agents running here, wherever the person did it (this process or another).
    private async Task SteerAsync(WorkEvent e, CancellationToken cancellationToken)
    {
        if (e.Type is EventTypes.ProjectPaused or EventTypes.ProjectResumed)
        {
            foreach (var running in _running.Values)
            {
                if (e.Type == EventTypes.ProjectPaused)
                {
                    running.PauseWithProject(e.Actor, e.At);
                }
                else
                {
                    running.ResumeWithProject();
                }
            }

            return;
        }

        if (e.ItemKey is not { } key || _running.Values.FirstOrDefault(w => w.Item.Key == key) is not { } worker)
        {
            return;
        }

        switch (e.Type)
        {
            case EventTypes.RunPaused:
                Steer(worker, e, pause: true);
                break;
            case EventTypes.RunResumed:
                Steer(worker, e, pause: false);
                break;
            case EventTypes.ItemFeedback when e.Actor.Kind == ActorKind.Person:
                await worker.DeliverFeedbackAsync(cancellationToken);
                break;
            case EventTypes.ItemTransitioned when !MovedToRunning(e) && !await StillHoldsAsync(worker, cancellationToken):
                worker.Preempt();
                break;
        }
    }

    // Events arrive after the fact: the move that ended the last stage of an item can be read after its
    // next stage's worker has claimed it. Only a worker whose claim is gone is stopped.
    private async Task<bool> StillHoldsAsync(Worker worker, CancellationToken cancellationToken) =>
        await store.GetItemAsync(project.Id, worker.Item.Key, cancellationToken) is { Status: WorkStatus.Running, Lease: { } lease } && lease.Owner == worker.Name;

    private static void Steer(Worker worker, WorkEvent e, bool pause)
    {
        if (pause)
        {
            worker.Pause(e.Actor, e.At);
        }
        else
        {
            worker.Resume();
        }
    }

    private static bool MovedToRunning(WorkEvent e)
    {
        using var payload = JsonDocument.Parse(e.PayloadJson);
        return payload.RootElement.TryGetProperty("to", out var to) && to.TryGetProperty("status", out var status) && status.GetString() == nameof(WorkStatus.Running);
    }

    private async Task TryPublishAsync(NewEvent newEvent)
    {
        try
        {
            await store.AppendEventAsync(newEvent, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is gone too; the lease sweep at the next start returns the item.
        }
    }

}
