namespace Wilson.Core.Events;

/// <summary>The names of events Wilson appends; a payload's shape follows from its type.</summary>
public static class EventTypes
{
    public const string ProjectCreated = "project.created";
    public const string ProjectPaused = "project.paused";
    public const string ProjectResumed = "project.resumed";
    public const string ItemCreated = "item.created";
    public const string ItemEdited = "item.edited";

    /// <summary>Any change of stage or status: claims, completions, expired leases, requeues, manual moves.</summary>
    public const string ItemTransitioned = "item.transitioned";

    /// <summary>A note left for the agent on an item (a person's feedback, a reviewer's requested changes).</summary>
    public const string ItemFeedback = "item.feedback";

    /// <summary>A tester or security agent reported a bug: a new bug item, child of the item under test.</summary>
    public const string BugReported = "item.bug_reported";

    /// <summary>A worker took an item to run one stage of it (worker, stage, role).</summary>
    public const string WorkerStarted = "worker.started";

    /// <summary>A worker finished its stage: the result, the engine's decision, and whether it was applied.</summary>
    public const string WorkerFinished = "worker.finished";

    /// <summary>A decision on an item awaiting approval (by a person, or the policy for low risk).</summary>
    public const string ItemApproved = "item.approved";

    public const string ItemRejected = "item.rejected";

    /// <summary>An item waits for a person's approval: its risk and why.</summary>
    public const string ApprovalRequired = "item.approval_required";

    /// <summary>An approved item was merged into the default branch (or found merged already).</summary>
    public const string ItemMerged = "item.merged";

    /// <summary>A person gave an item's next runs another role or model (and why).</summary>
    public const string ItemReassigned = "item.reassigned";

    /// <summary>A person paused a running item: its agent stops at its next step and keeps its place (the item stays Running).</summary>
    public const string RunPaused = "item.run_paused";

    public const string RunResumed = "item.run_resumed";

    /// <summary>The scheduler starts no new work, and why (a spent budget).</summary>
    public const string SchedulerHeld = "scheduler.held";

    public const string ExecutionStarted = "execution.started";
    public const string ExecutionFinished = "execution.finished";

    /// <summary>Text a running agent's model streamed, coalesced to at most one event per 50 ms.</summary>
    public const string AgentText = "agent.text";
    public const string AgentToolCall = "agent.tool_call";
    public const string AgentToolResult = "agent.tool_result";

    /// <summary>The model answering a running agent (text: its name), when it is first known and when it changes.</summary>
    public const string AgentModel = "agent.model";

    /// <summary>What the agent loop told the agent or decided (a nudge, a pause, the end).</summary>
    public const string AgentNotice = "agent.notice";

    /// <summary>Output of a command an agent runs, coalesced like agent text.</summary>
    public const string CommandOutput = "command.output";
    public const string CommandWarning = "command.warning";
}
