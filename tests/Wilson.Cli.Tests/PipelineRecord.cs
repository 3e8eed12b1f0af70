using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wilson.Core.Events;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Storage;

namespace Wilson.Cli.Tests;

/// <summary>
/// What a pipeline run left in the store, read once it has ended: every item, every event, every execution with its
/// transcript, and every model call of the usage ledger (read from its table: the store sums them, a budget check
/// wants them one by one).
/// </summary>
internal sealed record PipelineRecord(
    IReadOnlyList<WorkItem> Items,
    IReadOnlyList<WorkEvent> Events,
    IReadOnlyList<Execution> Executions,
    IReadOnlyList<LedgerCall> Calls)
{
    public static async Task<PipelineRecord> ReadAsync(FuzzProject project, CancellationToken cancellationToken)
    {
        await using var store = await OpenAsync(project, cancellationToken);
        var found = await store.FindProjectAsync(project.Name, cancellationToken) ?? throw new InvalidOperationException($"no project {project.Name} in {project.Database}");
        var items = (await store.ListItemsAsync(found.Id, ItemQuery.All, cancellationToken)).Items;
        var events = new List<WorkEvent>();
        for (var page = await store.ReadEventsAsync(new EventQuery { ProjectId = found.Id }, cancellationToken);
            page.Count > 0;
            page = await store.ReadEventsAsync(new EventQuery { ProjectId = found.Id, AfterSequence = page[^1].Sequence }, cancellationToken))
        {
            events.AddRange(page);
        }

        var executions = new List<Execution>();
        foreach (var item in items)
        {
            foreach (var listed in await store.ListExecutionsAsync(found.Id, item.Key, cancellationToken))
            {
                executions.Add(await store.GetExecutionAsync(listed.Id, cancellationToken) ?? listed);
            }
        }

        return new PipelineRecord(items, events, executions, await LedgerAsync(project.Database, cancellationToken));
    }

    /// <summary>The store a test reads (and watches) beside Wilson.</summary>
    public static Task<IWorkStore> OpenAsync(FuzzProject project, CancellationToken cancellationToken) =>
        WorkStoreFactory.OpenAsync(
            DatabaseLocation.Sqlite(project.Database), new WorkflowStateMachine(PipelineCatalog.BuiltIn()), TimeProvider.System, cancellationToken);

    public WorkItem? Item(string key) => Items.FirstOrDefault(i => i.Key == key);

    /// <summary>The plan and everything below it (its items, the bugs found in them, and so on), the plan not included.</summary>
    public IReadOnlyList<WorkItem> FamilyOf(string plan)
    {
        var keys = new HashSet<string>([plan], StringComparer.Ordinal);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var item in Items.Where(i => i.Parent is { } parent && keys.Contains(parent) && !keys.Contains(i.Key)))
            {
                grew |= keys.Add(item.Key);
            }
        }

        return [.. Items.Where(i => i.Key != plan && keys.Contains(i.Key))];
    }

    /// <summary>
    /// True when the item can only move once a person acts: Blocked, Failed or Cancelled, or AwaitingApproval with a
    /// person asked (approval_required since it last moved) and no decision since.
    /// </summary>
    public bool WaitsForAPerson(WorkItem item)
    {
        if (item.Status is WorkStatus.Blocked or WorkStatus.Failed or WorkStatus.Cancelled)
        {
            return true;
        }

        var moved = EventsOf(item.Key, EventTypes.ItemTransitioned).LastOrDefault()?.Sequence ?? 0;
        return item.Status == WorkStatus.AwaitingApproval
            && Events.LastOrDefault(e => e.ItemKey == item.Key && e.Sequence > moved
                && e.Type is EventTypes.ApprovalRequired or EventTypes.ItemApproved or EventTypes.ItemRejected)?.Type == EventTypes.ApprovalRequired;
    }

    /// <summary>For a Ready item, the dependency (or a dependency's) that waits for a person, so it cannot start; else null.</summary>
    public static WorkItem? HeldBy(WorkItem item, IReadOnlyList<WorkItem> items, Func<WorkItem, bool> waitsForAPerson)
    {
        var byKey = items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        var seen = new HashSet<string>([item.Key], StringComparer.Ordinal);
        WorkItem? Holder(WorkItem current) =>
            current.Dependencies.Select(d => byKey.GetValueOrDefault(d)).OfType<WorkItem>()
                .Where(d => d.Status != WorkStatus.Done && seen.Add(d.Key))
                .Select(d => waitsForAPerson(d) ? d : d.Status == WorkStatus.Ready ? Holder(d) : null)
                .FirstOrDefault(h => h is not null);
        return item.Status == WorkStatus.Ready ? Holder(item) : null;
    }

    /// <summary>A line per item for a person reading a failure: where it ended, its executions (stage:result) and its last move.</summary>
    public IReadOnlyList<string> History() =>
    [
        .. Items.Select(item => $"{item.Key} {item.Kind} {item.Status} at {item.Stage}: " +
            string.Join(' ', Executions.Where(e => e.ItemKey == item.Key).Select(e => $"{e.Stage}:{e.Result?.ToString() ?? "open"}")) +
            $" | {LastTransition(item.Key)?.Reason.Split('\n')[0] ?? "never moved"}"),
    ];

    public IEnumerable<WorkEvent> EventsOf(string key, string type) => Events.Where(e => e.ItemKey == key && e.Type == type);

    /// <summary>The item's last transition: its reason and where it went.</summary>
    public (string Reason, string ToStatus)? LastTransition(string key) =>
        EventsOf(key, EventTypes.ItemTransitioned).LastOrDefault() is { } e ? (Text(e, "reason") ?? "", Text(Property(e, "to"), "status") ?? "") : null;

    /// <summary>True when the item has an <c>item.merged</c> event that says it was merged (or found merged).</summary>
    public bool Merged(string key) =>
        EventsOf(key, EventTypes.ItemMerged).Any(e => Property(e, "merged") is { ValueKind: JsonValueKind.True });

    public static JsonElement Property(WorkEvent e, string name)
    {
        using var document = JsonDocument.Parse(e.PayloadJson);
        return document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : default;
    }

    public static string? Text(WorkEvent e, string name) => Text(Property(e, name));

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Text(value) : null;

    private static string? Text(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static async Task<IReadOnlyList<LedgerCall>> LedgerAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, item_key, execution_id, input_tokens, output_tokens, outcome FROM model_calls ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var calls = new List<LedgerCall>();
        while (await reader.ReadAsync(cancellationToken))
        {
            calls.Add(new LedgerCall(
                reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5)));
        }

        return calls;
    }
}
