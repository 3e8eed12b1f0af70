using System.Text;
using System.Text.Json;
using Wilson.Agents.Workspaces;
using static Wilson.Agents.Running.ToolArguments;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Agents.Running;

/// <summary>
/// The tools only some roles get, writing to the store for the item being worked on: the planner
/// creates work items (children of its item; a later one may depend on an earlier one by the key it was
/// given), the tester and security agents report bugs (a bug item, child of the item under test), the
/// reviewer requests changes (a note the developer gets on its next turn on the item).
/// </summary>
/// <param name="store">Where items and feedback go.</param>
/// <param name="item">The item being worked on (the parent of what the planner creates).</param>
/// <param name="role">The role whose tools these are.</param>
/// <param name="draftItems">True when a person reviews the plan first: created items stay Draft until then.</param>
public sealed class RoleTools(IWorkStore store, WorkItem item, string role, bool draftItems = false)
{
    private static readonly string[] Severities = ["critical", "high", "medium", "low"];

    private Actor Actor => Actor.Agent(role);

    /// <summary>The tools of the role; none for roles without their own.</summary>
    public IReadOnlyList<AgentTool> All() => role switch
    {
        "planner" => [CreateItem()],
        "tester" or "security" => [ReportBug()],
        "reviewer" => [RequestChanges()],
        _ => [],
    };

    private AgentTool CreateItem() => new(
        "create_item",
        "Create a work item of the plan. Give acceptance criteria a person can check, a definition of done, and verification steps that can be run; depends_on lists keys of items it needs (created earlier, e.g. T-4). Returns the new key.",
        AgentTool.ObjectSchema("""
            {"title":{"type":"string"},"description":{"type":"string"},"acceptance_criteria":{"type":"array","items":{"type":"string"}},
             "depends_on":{"type":"array","items":{"type":"string"}},"priority":{"type":"integer"},
             "tier":{"type":"string","enum":["trivial","standard","complex"]},"kind":{"type":"string","enum":["feature","bug","chore","research","docs"]},
             "pipeline":{"type":"string"},"definition_of_done":{"type":"array","items":{"type":"string"}},
             "verification":{"type":"array","items":{"type":"object","properties":{"kind":{"type":"string"},"argument":{"type":"string"},"expected":{"type":"string"}},"required":["kind"]}}}
            """, "title", "acceptance_criteria"),
        async (args, ct) =>
        {
            var created = await AddAsync(new NewWorkItem
            {
                Title = Text(args, "title"),
                Description = Optional(args, "description") ?? "",
                AcceptanceCriteria = Strings(args, "acceptance_criteria"),
                DefinitionOfDone = Strings(args, "definition_of_done"),
                Verification = Steps(args),
                Dependencies = Strings(args, "depends_on"),
                Priority = args.TryGetProperty("priority", out var p) && p.TryGetInt32(out var priority) ? priority : WorkItemRules.DefaultPriority,
                Tier = Optional(args, "tier") is { } tier ? Parse<ComplexityTier>("tier", tier) : null,
                Kind = Optional(args, "kind") is { } kind ? Parse<WorkKind>("kind", kind) : WorkKind.Feature,
                Parent = item.Key,
                Pipeline = Optional(args, "pipeline"),
                KeepAsDraft = draftItems,
            }, ct);
            return $"created {created.Key} ({created.Status})";
        });

    private AgentTool ReportBug() => new(
        "report_bug",
        "Report a bug you found in this item's work: it becomes a bug item for the developer. Then finish with result fail.",
        AgentTool.ObjectSchema("""
            {"title":{"type":"string"},"description":{"type":"string"},"steps_to_reproduce":{"type":"string"},
             "severity":{"type":"string","enum":["critical","high","medium","low"]}}
            """, "title", "description"),
        async (args, ct) =>
        {
            var severity = Optional(args, "severity") ?? "medium";
            if (!Severities.Contains(severity))
            {
                throw new ToolException($"severity must be one of {string.Join(", ", Severities)}, not '{severity}'");
            }

            var description = new StringBuilder(Text(args, "description"));
            if (Optional(args, "steps_to_reproduce") is { Length: > 0 } steps)
            {
                description.Append("\n\nSteps to reproduce:\n").Append(steps);
            }

            description.Append(FormattableString.Invariant($"\n\nFound by the {role} in {item.Key} ({severity})."));
            var bug = await AddAsync(new NewWorkItem
            {
                Title = Text(args, "title"),
                Description = description.ToString(),
                AcceptanceCriteria = [$"the bug no longer happens: {Text(args, "title")}"],
                Kind = WorkKind.Bug,
                Priority = Array.IndexOf(Severities, severity) + 1,
                Parent = item.Key,
            }, ct);
            await store.AppendEventAsync(new NewEvent(item.ProjectId, item.Key, EventTypes.BugReported, Actor,
                JsonSerializer.Serialize(new { bug = bug.Key, title = bug.Title, severity })), ct);
            return $"reported {bug.Key} ({severity})";
        });

    private AgentTool RequestChanges() => new(
        "request_changes",
        "Ask the developer for changes before this item can pass review: each change specific and checkable. Then finish with result fail.",
        AgentTool.ObjectSchema("""{"summary":{"type":"string"},"changes":{"type":"array","items":{"type":"string"}}}""", "summary", "changes"),
        async (args, ct) =>
        {
            var changes = Strings(args, "changes");
            if (changes.Count == 0)
            {
                throw new ToolException("list at least one change");
            }

            var note = new StringBuilder($"The reviewer requests changes: {Text(args, "summary")}\n");
            foreach (var change in changes)
            {
                note.Append("- ").Append(change).Append('\n');
            }

            await store.AddFeedbackAsync(item.ProjectId, item.Key, note.ToString(), Actor, ct);
            return $"requested {changes.Count} change(s); the developer gets them on its next turn";
        });

    // Verification steps as the planner gives them: {kind, argument, expected}; the store checks the kinds.
    private static List<VerificationStep> Steps(JsonElement args) =>
        args.TryGetProperty("verification", out var steps) && steps.ValueKind == JsonValueKind.Array
            ? [.. steps.EnumerateArray().Select(step => step.ValueKind == JsonValueKind.Object && step.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                ? new VerificationStep(kind.GetString()!, Optional(step, "argument"), Optional(step, "expected"))
                : throw new ToolException("each verification step is an object with a kind (file_exists, file_contains, command_succeeds, tests_pass, tests_fail, git_clean)"))]
            : [];

    private async Task<WorkItem> AddAsync(NewWorkItem newItem, CancellationToken cancellationToken)
    {
        var result = await store.AddItemAsync(item.ProjectId, newItem, Actor, cancellationToken);
        return result.Item ?? throw new ToolException($"the item was not created: {result.Error}");
    }

    private static T Parse<T>(string name, string text)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new ToolException($"{name} must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{text}'");
}
