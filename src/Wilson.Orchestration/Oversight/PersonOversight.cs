using System.Text.Json;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Projects;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Orchestration.Oversight;

/// <summary>
/// What a person can do to the work, in one place (the CLI now, the hub next), each an event with who
/// and why: pause and resume (the project, or an item, mid-run included: a running agent stops at its
/// next step and goes on with its context), feedback into the agent's next turn, approve, reject (back
/// to develop with the reason), cancel, retry from the dead letter, reset to a stage, skip a stage,
/// force-complete. An action that makes no sense where the item is is refused saying why, and changes nothing.
/// </summary>
public sealed class PersonOversight(IWorkStore store, Project project, PipelineCatalog pipelines, TimeProvider time)
{
    public async Task<Project> PauseProjectAsync(bool pause, string reason, Actor actor, CancellationToken cancellationToken) =>
        await store.SetProjectPausedAsync(project.Id, pause, reason, actor, cancellationToken);

    /// <summary>A waiting item stops being started; a running one stops at its next step, holding its place, until resumed.</summary>
    public async Task<WorkItem> PauseAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        if (item.Status == WorkStatus.Running)
        {
            // Kept on the item, so the pause outlives the process that runs it; the event reaches that process now.
            var held = await HoldRunsAsync(item, paused: true, actor, cancellationToken);
            await PublishAsync(item, EventTypes.RunPaused, actor, new { reason }, cancellationToken);
            return held;
        }

        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStatus(WorkStatus.Paused), reason, actor, item.Version, cancellationToken));
    }

    public async Task<WorkItem> ResumeAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        if (item.Status == WorkStatus.Running || item.Context.RunPaused)
        {
            // A paused run, running now or handed back to wait for its next worker.
            var released = item.Context.RunPaused ? await HoldRunsAsync(item, paused: false, actor, cancellationToken) : item;
            await PublishAsync(item, EventTypes.RunResumed, actor, new { reason }, cancellationToken);
            return released;
        }

        if (item.Status != WorkStatus.Paused)
        {
            throw new OversightException($"{key} is not paused (it is {item.Status} at stage {item.Stage})");
        }

        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStatus(WorkflowStateMachine.ResumeStatus(item)), reason, actor, item.Version, cancellationToken));
    }

    /// <summary>A note for the agent on the item: a running agent gets it at its next turn, otherwise the next one to run.</summary>
    public async Task<Feedback> FeedbackAsync(string key, string text, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        if (item.Status is WorkStatus.Done or WorkStatus.Cancelled)
        {
            throw new OversightException($"{key} is {item.Status}: no agent will work on it again, so feedback would not be read");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new OversightException("feedback needs some text");
        }

        return await store.AddFeedbackAsync(project.Id, key, text.Trim(), actor, cancellationToken);
    }

    public async Task<Approval> ApproveAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        await ItemAsync(key, cancellationToken);
        var decided = await store.DecideApprovalAsync(project.Id, key, true, reason, actor, cancellationToken);
        return decided.Approval ?? throw new OversightException(decided.Error!);
    }

    /// <summary>Not approved: back to the stage that fixes it (develop) with the reason as feedback.</summary>
    public async Task<WorkItem> RejectAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        var decided = await store.DecideApprovalAsync(project.Id, key, false, reason, actor, cancellationToken);
        if (!decided.Succeeded)
        {
            throw new OversightException(decided.Error!);
        }

        await store.AddFeedbackAsync(project.Id, key, $"Rejected at {item.Stage}: {reason}", actor, cancellationToken);
        var back = pipelines.Get(item.Pipeline).FixingStage(item.Stage).Name;
        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStage(back), $"rejected: {reason}", actor, item.Version, cancellationToken));
    }

    /// <summary>Stops the item for good; a running agent is stopped at once.</summary>
    public async Task<WorkItem> CancelAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStatus(WorkStatus.Cancelled), reason, actor, item.Version, cancellationToken));
    }

    /// <summary>From the dead letter (Failed) back to Ready at its stage, attempts reset.</summary>
    public async Task<WorkItem> RetryAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        await ItemAsync(key, cancellationToken);
        return Require(await store.RequeueAsync(project.Id, key, reason, actor, cancellationToken));
    }

    /// <summary>Back (or on) to <paramref name="stage"/>, Ready there; a running agent is stopped.</summary>
    public async Task<WorkItem> ResetAsync(string key, string stage, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        var pipeline = pipelines.Get(item.Pipeline);
        var target = pipeline.FindStage(stage)
            ?? throw new OversightException($"pipeline '{pipeline.Name}' has no stage '{stage}' (stages: {string.Join(", ", pipeline.Stages.Select(s => s.Name))})");
        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStage(target.Name), reason, actor, item.Version, cancellationToken));
    }

    /// <summary>On to the stage after the item's current one, without running it.</summary>
    public async Task<WorkItem> SkipStageAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        var next = pipelines.Get(item.Pipeline).NextStage(item.Stage)
            ?? throw new OversightException($"{key} is at the last stage ({item.Stage}): there is nothing to skip to");
        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStage(next.Name), $"stage {item.Stage} skipped: {reason}", actor, item.Version, cancellationToken));
    }

    /// <summary>
    /// Another role (<paramref name="role"/>) or model (<paramref name="model"/>, a name from wilson.yaml) for the item's
    /// next runs; null leaves that choice as it is, an empty string returns it to the pipeline's and the router's.
    /// </summary>
    public async Task<WorkItem> ReassignAsync(
        string key, string? role, string? model, IReadOnlyCollection<string> models, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        if (role is { Length: > 0 } && !Pipeline.Roles.Contains(role))
        {
            throw new OversightException($"unknown role '{role}'; roles: {string.Join(", ", Pipeline.Roles)}");
        }

        if (model is { Length: > 0 } && !models.Contains(model))
        {
            throw new OversightException($"no model '{model}' in wilson.yaml; models: {(models.Count == 0 ? "none" : string.Join(", ", models))}");
        }

        if (role is null && model is null)
        {
            throw new OversightException("say what to reassign: a role, a model, or both");
        }

        var context = item.Context with
        {
            Role = role is null ? item.Context.Role : role.Length == 0 ? null : role,
            Model = model is null ? item.Context.Model : model.Length == 0 ? null : model,
        };
        var reassigned = Require(await store.EditItemAsync(project.Id, key, new ItemEdit { Context = context }, item.Version, actor, cancellationToken));
        await PublishAsync(reassigned, EventTypes.ItemReassigned, actor, new { role = context.Role, model = context.Model, reason }, cancellationToken);
        return reassigned;
    }

    /// <summary>Done now, as it is: no further stage, no merge.</summary>
    public async Task<WorkItem> ForceCompleteAsync(string key, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var item = await ItemAsync(key, cancellationToken);
        var final = pipelines.Get(item.Pipeline).FinalStage.Name;
        return Require(await store.TransitionAsync(project.Id, key, TransitionTarget.ToStage(final), $"completed by hand: {reason}", actor, item.Version, cancellationToken));
    }


    private async Task<WorkItem> HoldRunsAsync(WorkItem item, bool paused, Actor actor, CancellationToken cancellationToken)
    {
        var context = item.Context with { RunPaused = paused, RunPausedBy = paused ? actor : null, RunPausedAt = paused ? time.GetUtcNow() : null };
        return Require(await store.EditItemAsync(project.Id, item.Key, new ItemEdit { Context = context }, item.Version, actor, cancellationToken));
    }

    private async Task<WorkItem> ItemAsync(string key, CancellationToken cancellationToken) =>
        await store.GetItemAsync(project.Id, key, cancellationToken)
        ?? throw new OversightException($"no item {key} in project {project.Name}");

    private static WorkItem Require(ItemWriteResult result) =>
        result.Item ?? throw new OversightException(result.Error ?? $"the store refused the change ({result.Failure})");

    private async Task PublishAsync(WorkItem item, string type, Actor actor, object payload, CancellationToken cancellationToken) =>
        await store.AppendEventAsync(new NewEvent(project.Id, item.Key, type, actor, JsonSerializer.Serialize(payload)), cancellationToken);
}
