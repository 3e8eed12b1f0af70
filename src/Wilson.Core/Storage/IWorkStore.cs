using Wilson.Core.Usage;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Projects;
using Wilson.Core.Workers;
using Wilson.Core.Workflow;

namespace Wilson.Core.Storage;

/// <summary>
/// The durable store of projects, items and events. Every write that changes an item appends its
/// event in the same transaction. Expected refusals (invalid transition, stale version, lost lease,
/// bad input) come back as <see cref="ItemWriteResult"/>; exceptions mean the database failed.
/// </summary>
public interface IWorkStore : IAsyncDisposable
{
    /// <summary>Creates the project, or returns it unchanged if one of that name exists.</summary>
    Task<Project> RegisterProjectAsync(ProjectRegistration registration, Actor actor, CancellationToken cancellationToken);

    Task<Project?> FindProjectAsync(string name, CancellationToken cancellationToken);

    /// <summary>Pauses or resumes claiming for a whole project.</summary>
    Task<Project> SetProjectPausedAsync(long projectId, bool paused, string reason, Actor actor, CancellationToken cancellationToken);

    /// <summary>Adds one item with the next key (T-n); Ready at once if it meets the Definition of Ready.</summary>
    Task<ItemWriteResult> AddItemAsync(long projectId, NewWorkItem item, Actor actor, CancellationToken cancellationToken);

    /// <summary>Adds several items in one transaction: all are added, or none and the first error is returned.</summary>
    Task<IReadOnlyList<ItemWriteResult>> AddItemsAsync(long projectId, IReadOnlyList<NewWorkItem> items, Actor actor, CancellationToken cancellationToken);

    Task<WorkItem?> GetItemAsync(long projectId, string key, CancellationToken cancellationToken);

    /// <summary>
    /// The page of the project's items that <paramref name="query"/> asks for, with how many match in all. An unknown
    /// project has no items (an empty page, not an error).
    /// </summary>
    Task<ItemPage> ListItemsAsync(long projectId, ItemQuery query, CancellationToken cancellationToken);

    /// <summary>Edits an item's content if it is still at <paramref name="expectedVersion"/>.</summary>
    Task<ItemWriteResult> EditItemAsync(long projectId, string key, ItemEdit edit, long expectedVersion, Actor actor, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an item through the state machine. With <paramref name="expectedVersion"/> the move is
    /// refused if the item changed since the caller read it.
    /// </summary>
    Task<ItemWriteResult> TransitionAsync(
        long projectId, string key, TransitionTarget target, string reason, Actor actor, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes the most urgent runnable item (Ready, dependencies Done, project not paused;
    /// by priority then age), sets it Running with a lease for the owner. Null when nothing is runnable.
    /// </summary>
    Task<WorkItem?> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease if <paramref name="owner"/> still holds it; false if it was lost. A renewal is
    /// not an edit: it leaves the item's version as it is.
    /// </summary>
    Task<bool> RenewLeaseAsync(long itemId, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a claimed run with a transition, only if <paramref name="owner"/> still holds the lease.
    /// <paramref name="held"/> is the item as the worker claimed it: when the row has not changed
    /// since, the store writes without reading it again; otherwise it reads and decides afresh.
    /// </summary>
    Task<ItemWriteResult> CompleteAsync(WorkItem held, string owner, TransitionTarget target, string reason, Actor actor, CancellationToken cancellationToken);

    /// <summary>
    /// Returns Running items whose lease has expired to Ready, counting the attempt; an item that has
    /// used <paramref name="maxAttempts"/> goes to Failed (the dead letter).
    /// </summary>
    Task<SweepResult> SweepExpiredLeasesAsync(int maxAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SweepExpiredLeasesAsync(int, CancellationToken)"/> for one project's items only, with that project's
    /// <paramref name="maxAttempts"/>: what each project's host sweeps, so several projects in one store keep their own settings.
    /// </summary>
    Task<SweepResult> SweepExpiredLeasesAsync(long projectId, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Returns a Failed item to Ready at its stage with its attempts reset.</summary>
    Task<ItemWriteResult> RequeueAsync(long projectId, string key, string reason, Actor actor, CancellationToken cancellationToken);

    Task<StatusSummary> GetStatusAsync(long projectId, CancellationToken cancellationToken);

    Task<WorkEvent> AppendEventAsync(NewEvent newEvent, CancellationToken cancellationToken);

    /// <summary>
    /// The first <see cref="EventQuery.Limit"/> events matching <paramref name="query"/>, oldest first. A query whose
    /// <see cref="EventQuery.From"/> is after its <see cref="EventQuery.To"/> is refused (ArgumentException).
    /// </summary>
    Task<IReadOnlyList<WorkEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <see cref="EventQuery.Limit"/> events matching <paramref name="query"/>, returned oldest first, read from
    /// the end of the log (not the whole of it). Set <see cref="EventQuery.BeforeSequence"/> to the first one's sequence
    /// for the page before.
    /// </summary>
    Task<IReadOnlyList<WorkEvent>> ReadLastEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>The sequence of the last event appended (0 when there is none): where a watcher of what happens next starts.</summary>
    Task<long> GetLastSequenceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The events matching <paramref name="query"/>, then each new one as it is appended, until cancelled.
    /// Waits without polling: woken in process by appends, and across processes where the database can tell.
    /// </summary>
    IAsyncEnumerable<WorkEvent> WatchEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Adds one model call to the usage ledger.</summary>
    Task RecordModelCallAsync(ModelCall modelCall, CancellationToken cancellationToken);

    /// <summary>Calls, tokens and cost summed over <paramref name="scope"/>.</summary>
    Task<UsageTotals> GetUsageAsync(UsageScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// Calls, tokens and cost of each item of the project, in one query: of every item that made a call, or with
    /// <paramref name="itemKeys"/> only of those (an empty collection asks for none). Items without calls are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, UsageTotals>> GetUsageByItemAsync(long projectId, IReadOnlyCollection<string>? itemKeys, CancellationToken cancellationToken);

    /// <summary>Opens an execution of an agent on an item and appends <c>execution.started</c>.</summary>
    Task<Execution> StartExecutionAsync(NewExecution execution, Actor actor, CancellationToken cancellationToken);

    /// <summary>Adds one step to a running execution's transcript; a step number already written is refused.</summary>
    Task AppendTranscriptStepAsync(long executionId, TranscriptStep transcriptStep, CancellationToken cancellationToken);

    /// <summary>
    /// Closes a running execution with its result, sums the tokens and cost of its model calls, and appends
    /// <c>execution.finished</c>. An execution that is unknown or already closed is refused (InvalidOperationException).
    /// </summary>
    Task<Execution> FinishExecutionAsync(long executionId, ExecutionEnd ending, Actor actor, CancellationToken cancellationToken);

    /// <summary>One execution with its transcript; null if there is none with that id.</summary>
    Task<Execution?> GetExecutionAsync(long executionId, CancellationToken cancellationToken);

    /// <summary>An item's executions, oldest first, without transcripts.</summary>
    Task<IReadOnlyList<Execution>> ListExecutionsAsync(long projectId, string itemKey, CancellationToken cancellationToken);

    /// <summary>
    /// Executions not yet ended (running, or cut off by a crash until recovery closes them), oldest first, without
    /// transcripts: of one project, or with <paramref name="projectId"/> null of all.
    /// </summary>
    Task<IReadOnlyList<Execution>> ListOpenExecutionsAsync(long? projectId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a decision on an item that is AwaitingApproval and appends <c>item.approved</c> or <c>item.rejected</c>.
    /// Refused (<see cref="WriteFailure.NotFound"/>, <see cref="WriteFailure.TransitionRefused"/>) when the item is unknown or
    /// not awaiting approval, saying where it is; the item itself does not move here.
    /// </summary>
    Task<ApprovalResult> DecideApprovalAsync(long projectId, string itemKey, bool approved, string reason, Actor actor, CancellationToken cancellationToken);

    /// <summary>Items AwaitingApproval that are approved as they stand, in the order they were approved: the merge queue.</summary>
    Task<IReadOnlyList<WorkItem>> ListApprovedAsync(long projectId, CancellationToken cancellationToken);

    /// <summary>
    /// Items AwaitingApproval with no decision on them as they stand (a decision on an earlier version does not count),
    /// the longest waiting first: what a person is asked to decide.
    /// </summary>
    Task<IReadOnlyList<WorkItem>> ListPendingApprovalsAsync(long projectId, CancellationToken cancellationToken);

    /// <summary>Leaves a note for the next agent turn on an item and appends <c>item.feedback</c>; an unknown item is refused (InvalidOperationException).</summary>
    Task<Feedback> AddFeedbackAsync(long projectId, string itemKey, string text, Actor from, CancellationToken cancellationToken);

    /// <summary>The item's notes not yet delivered, oldest first, marked delivered: each is taken once.</summary>
    Task<IReadOnlyList<Feedback>> TakeFeedbackAsync(long projectId, string itemKey, CancellationToken cancellationToken);

    /// <summary>Writes what a worker is doing now (insert or replace by worker name), with the store's time as its update.</summary>
    Task SaveWorkerAsync(WorkerStatus status, CancellationToken cancellationToken);

    /// <summary>Removes a worker's status: its run ended. Removing one that is not there is not an error.</summary>
    Task RemoveWorkerAsync(string worker, CancellationToken cancellationToken);

    /// <summary>
    /// What the workers of a project (or of every project) are doing, by item key: one indexed read, whichever
    /// process runs them. A worker whose process died stays listed until the lease sweep finds its item's lease expired.
    /// </summary>
    Task<IReadOnlyList<WorkerStatus>> ListWorkersAsync(long? projectId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="owner"/> until <paramref name="duration"/> from now, or
    /// renews it if the owner holds it already; true when the owner holds it after the call. Held by another owner and not
    /// expired: false, and nothing changes. Across processes and machines: what keeps one merge queue per project.
    /// </summary>
    Task<bool> TryAcquireLockAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if <paramref name="owner"/> holds it; otherwise does nothing.</summary>
    Task ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken);
}
