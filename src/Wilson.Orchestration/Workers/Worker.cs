using System.Text.Json;
using Wilson.Agents.Running;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workers;
using Wilson.Core.Workflow;
using Wilson.Llm.Usage;
using Wilson.Orchestration.Pipelines;
using Wilson.Orchestration.Scheduling;

namespace Wilson.Orchestration.Workers;

/// <summary>
/// One worker for one execution: it holds the claimed item's lease by heartbeat, runs its stage, asks
/// the pipeline engine what the result means, leaves the failure as feedback for the next agent, and
/// completes the claim with the engine's transition (and wait). Made for one item, then dropped: a
/// revision gets a fresh worker. A lost lease (the item was taken from it) cancels the run and applies
/// nothing; stopping returns the item to Ready for the next start.
/// </summary>
internal sealed class Worker(
    string name, WorkItem claimed, Pipeline pipeline, IWorkStore store, IStageRunner stages, OrchestratorOptions options, TimeProvider time)
{
    private readonly AgentSteering _steering = new();
    private readonly WorkerStatusRecorder _recorder = new(store);
    private readonly Lock _statusLock = new();
    private WorkerStatus _status = new()
    {
        Worker = name, Machine = Environment.MachineName, ProjectId = claimed.ProjectId, ItemKey = claimed.Key, Stage = claimed.Stage,
        Role = claimed.Context.Role ?? pipeline.FindStage(claimed.Stage)?.Role ?? "", StartedAt = time.GetUtcNow(), LastProgressAt = time.GetUtcNow(),
    };
    private bool _leaseLost;
    private bool _heldOnItsOwn;
    private bool _completing;
    private CancellationTokenSource? _run;

    public string Name => name;

    public WorkItem Item => claimed;

    public AgentSteering Steering => _steering;

    /// <summary>What the worker is doing; written to the store as it changes, so other processes see it too.</summary>
    public WorkerStatus Status => Volatile.Read(ref _status);

    /// <summary>When the item may run again, if the worker sent it back to wait.</summary>
    public DateTimeOffset? RetryAt { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        var stage = pipeline.FindStage(claimed.Stage) ?? throw new InvalidOperationException($"{claimed.Key} is at stage '{claimed.Stage}', which pipeline '{pipeline.Name}' does not have");
        var role = claimed.Context.Role ?? stage.Role ?? throw new InvalidOperationException($"{claimed.Key} is Ready at '{stage.Name}', a stage no agent works");
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _run = run;
        var heartbeat = HeartbeatAsync(run);
        StageRunResult? result = null;
        string? error = null;
        string? budget = null;
        var handoff = "{}";
        var failures = 0;
        try
        {
            if (claimed.Context.RunPaused)
            {
                // Paused by a person in an earlier run (that process may have died): this run waits too.
                Pause(claimed.Context.RunPausedBy ?? Actor.System, claimed.Context.RunPausedAt ?? time.GetUtcNow());
            }
            else
            {
                _recorder.Record(Status);
            }

            await PublishAsync(EventTypes.WorkerStarted, new { worker = name, stage = stage.Name, role }, run.Token);
            var executions = await store.ListExecutionsAsync(claimed.ProjectId, claimed.Key, run.Token);
            failures = FailuresInARow(executions);

            handoff = executions.LastOrDefault(e => e.Result == ExecutionResult.Pass)?.HandoffOut ?? "{}";
            result = await stages.RunAsync(
                new StageRun(claimed, pipeline, stage, role, name, handoff, Escalated: failures >= options.Retry.RetriesBeforeEscalation, _steering),
                new StageObserver { OnAgent = Observe },
                run.Token);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            await run.CancelAsync();
            await heartbeat;
            await _recorder.RemoveAsync(name);
            await StoppedAsync(stopping.IsCancellationRequested ? "Wilson stopped; the item waits for the next start" : null);
            return;
        }
        catch (BudgetExceededException ex)
        {
            // Retrying cannot help: a person raises the budget or waits for tomorrow.
            budget = ex.Message;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A model that is down, a worktree git refuses: the stage failed; retries and escalation apply.
            error = $"error: {ex.Message}";
            await RecordFailureAsync(stage, role, handoff, error);
        }

        Volatile.Write(ref _completing, true);
        await run.CancelAsync();
        await heartbeat;
        await _recorder.RemoveAsync(name);
        if (_leaseLost)
        {
            return;
        }

        var outcome = budget is not null ? ExecutionResult.Blocked : result?.Result ?? ExecutionResult.Fail;
        var summary = budget is not null ? $"out of budget: {budget}" : result?.Summary ?? error!;
        var decision = PipelineEngine.Decide(pipeline, stage.Name, outcome, summary, outcome == ExecutionResult.Fail ? failures + 1 : 0, options.Retry);
        if (decision.Feedback is { } feedback)
        {
            await store.AddFeedbackAsync(claimed.ProjectId, claimed.Key, feedback, Actor.System, CancellationToken.None);
        }

        var target = decision.Backoff > TimeSpan.Zero ? decision.Target with { NotBefore = time.GetUtcNow() + decision.Backoff } : decision.Target;
        var completed = await store.CompleteAsync(claimed, name, target, decision.Reason, Actor.System, CancellationToken.None);
        RetryAt = completed.Succeeded ? target.NotBefore : null;
        if (completed.Succeeded)
        {
            options.OnStageCommitted?.Invoke(completed.Item!, stage.Name, decision);
        }

        await PublishAsync(EventTypes.WorkerFinished, new
        {
            worker = name, stage = stage.Name, role, result = outcome.ToString(), decision = decision.Kind.ToString(),
            applied = completed.Succeeded, error = completed.Error,
        }, CancellationToken.None);
    }

    /// <summary>A person moved the item (cancelled, reset, completed it) or its lease was swept: stop now and apply nothing.</summary>
    public void Preempt()
    {
        if (Volatile.Read(ref _completing))
        {
            // Its own completion (or one racing it): nothing left to stop.
            return;
        }

        _leaseLost = true;
        try
        {
            // Callbacks run on the pool, not on the caller (the event watcher).
            _ = _run?.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The run had ended.
        }
    }

    /// <summary>Holds the agent before its next step until <see cref="Resume"/>; the status says who paused it and since when.</summary>
    public void Pause(Actor by, DateTimeOffset at) => Pause(by, at, itsOwn: true);

    public void Resume()
    {
        Volatile.Write(ref _heldOnItsOwn, false);
        _steering.Resume();
        Update(status => status with { PausedBy = null, PausedAt = null });
    }

    /// <summary>The whole project was paused: the run waits with the others.</summary>
    public void PauseWithProject(Actor by, DateTimeOffset at) => Pause(by, at, itsOwn: false);

    /// <summary>The project was resumed: the run goes on, unless a person holds it on its own.</summary>
    public void ResumeWithProject()
    {
        if (!Volatile.Read(ref _heldOnItsOwn))
        {
            _steering.Resume();
            Update(status => status with { PausedBy = null, PausedAt = null });
        }
    }

    private void Pause(Actor by, DateTimeOffset at, bool itsOwn)
    {
        if (itsOwn)
        {
            Volatile.Write(ref _heldOnItsOwn, true);
        }
        else if (Volatile.Read(ref _heldOnItsOwn))
        {
            // Already held by a person on its own: who paused it, and since when, stay theirs.
            return;
        }

        _steering.Pause();
        Update(status => status with { PausedBy = by, PausedAt = at });
    }

    /// <summary>Hands a person's new feedback to the running agent, for its next turn.</summary>
    public async Task DeliverFeedbackAsync(CancellationToken cancellationToken)
    {
        foreach (var feedback in await store.TakeFeedbackAsync(claimed.ProjectId, claimed.Key, cancellationToken))
        {
            _steering.AddFeedback(feedback.Text);
        }
    }

    // A failure before the agent's execution was opened (the worktree, say) is still an execution that
    // failed: otherwise retries would never count it, and the item would go round for ever.
    private async Task RecordFailureAsync(PipelineStage stage, string role, string handoff, string error)
    {
        var executions = await store.ListExecutionsAsync(claimed.ProjectId, claimed.Key, CancellationToken.None);
        if (executions.Any(e => e.Worker == name))
        {
            return;
        }

        var execution = await store.StartExecutionAsync(
            new NewExecution(claimed.ProjectId, claimed.Key, stage.Name, role, name, handoff), Actor.Agent(role), CancellationToken.None);
        await store.FinishExecutionAsync(execution.Id, new ExecutionEnd(ExecutionResult.Fail, error), Actor.Agent(role), CancellationToken.None);
    }

    private async Task HeartbeatAsync(CancellationTokenSource run)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Heartbeat, time, run.Token);
                if (!await store.RenewLeaseAsync(claimed.Id, name, options.LeaseDuration, run.Token))
                {
                    _leaseLost = true;
                    await run.CancelAsync();
                    return;
                }

                // The status's update time says the worker is alive, even while its agent waits on a slow model.
                _recorder.Record(Status);
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    // Stopped (not lost): hand the item back at once rather than leave it to its lease.
    private async Task StoppedAsync(string? reason)
    {
        if (!_leaseLost && reason is not null)
        {
            await store.CompleteAsync(claimed, name, TransitionTarget.ToStatus(WorkStatus.Ready), reason, Actor.System, CancellationToken.None);
        }
    }

    private void Observe(AgentEvent agentEvent)
    {
        switch (agentEvent.Kind)
        {
            case AgentEventKind.ToolCall:
                Update(status => status with { Step = status.Step + 1, LastProgressAt = time.GetUtcNow() });
                break;
            case AgentEventKind.Model:
                Update(status => status with { Model = agentEvent.Text, LastProgressAt = time.GetUtcNow() });
                break;
        }
    }

    private void Update(Func<WorkerStatus, WorkerStatus> change)
    {
        lock (_statusLock)
        {
            var status = change(_status);
            Volatile.Write(ref _status, status);
            _recorder.Record(status);
        }
    }

    private async Task PublishAsync(string type, object payload, CancellationToken cancellationToken) =>
        await store.AppendEventAsync(new NewEvent(claimed.ProjectId, claimed.Key, type, Actor.System, JsonSerializer.Serialize(payload)), cancellationToken);

    /// <summary>The item's failed executions since its last pass or block: what retries and escalation count.</summary>
    internal static int FailuresInARow(IReadOnlyList<Execution> executions)
    {
        var failures = 0;
        for (var i = executions.Count - 1; i >= 0; i--)
        {
            if (executions[i].Result == ExecutionResult.Fail)
            {
                failures++;
            }
            else if (executions[i].Result is ExecutionResult.Pass or ExecutionResult.Blocked)
            {
                break;
            }
        }

        return failures;
    }
}
