using System.Text;
using System.Text.Json;
using Wilson.Agents.Workspaces;
using static Wilson.Agents.Running.ToolArguments;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Roles;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;

namespace Wilson.Agents.Running;

/// <summary>
/// The tools that write to the store for the item being worked on: on a plan, <c>create_item</c> makes the
/// plan's items (children of the plan; a later one may depend on an earlier one by its key), within the
/// plan's bounds and never twice under one title; on any other item, <c>refine_item</c> settles its criteria,
/// definition of done and verification steps and creates nothing. <c>report_bug</c> makes a bug item on the
/// item under test (bounded like the plan's items), <c>request_changes</c> leaves the developer a note. Which
/// role holds which is the role's policy (<see cref="RoleToolbox"/>); the one that does not fit the item is withheld.
/// </summary>
/// <param name="store">Where items and feedback go.</param>
/// <param name="item">The item being worked on.</param>
/// <param name="role">The role running (the actor of what is created).</param>
/// <param name="plan">What a plan may create; the defaults when null.</param>
public sealed class RoleTools(IWorkStore store, WorkItem item, string role, PlanRules? plan = null)
{
    private static readonly string[] Severities = ["critical", "high", "medium", "low"];
    private static readonly string[] WorkKinds = ["feature", "bug", "chore", "research", "docs"];

    private readonly PlanRules _plan = plan ?? PlanRules.Default;

    private Actor Actor => Actor.Agent(role);

    private bool IsPlan => item.Kind == WorkKind.Plan;

    /// <summary>The store's tools for this item: the one of create and refine that fits it offered, the other withheld.</summary>
    public IReadOnlyList<AgentTool> All() =>
    [
        IsPlan ? CreateItem() : CreateItem() with { Withheld = $"{ToolNames.CreateItem} is for plans only: this is {item.Key}'s own plan stage, so settle its criteria, definition of done and verification with {ToolNames.RefineItem}, then finish" },
        IsPlan ? RefineItem() with { Withheld = $"{ToolNames.RefineItem} is for an item's own plan stage: this is a plan, so create its items with {ToolNames.CreateItem}, then finish" } : RefineItem(),
        ReportBug(),
        RequestChanges(),
    ];

    private AgentTool CreateItem()
    {
        var kinds = _plan.MayCreatePlans ? [.. WorkKinds, "plan"] : WorkKinds;
        var pipelines = _plan.MayCreatePlans ? [.. _plan.Pipelines, "plan"] : _plan.Pipelines.Where(p => p != "plan").ToArray();
        return new AgentTool(
            ToolNames.CreateItem,
            $"Create one work item of the plan (at most {_plan.MaxItems} in all, each title once). Give acceptance criteria a person can check, a definition of done, and verification steps that can be run; depends_on lists keys of items it needs (created earlier, e.g. T-4). Returns the new key.",
            AgentTool.ObjectSchema($$$"""
                {"title":{"type":"string"},"description":{"type":"string"},"acceptance_criteria":{"type":"array","items":{"type":"string"}},
                 "depends_on":{"type":"array","items":{"type":"string"}},"priority":{"type":"integer"},
                 "tier":{"type":"string","enum":["trivial","standard","complex"]},"kind":{"type":"string","enum":{{{Json(kinds)}}}},
                 "pipeline":{"type":"string","enum":{{{Json(pipelines)}}}},"definition_of_done":{"type":"array","items":{"type":"string"}},
                 "verification":{{{VerificationSchema}}}}
                """, "title", "acceptance_criteria"),
            async (args, ct) =>
            {
                var title = Text(args, "title").Trim();
                await CheckRoomAsync(item, title, "finish now with a summary of the plan", ct);
                var criteria = Strings(args, "acceptance_criteria");
                if (criteria.All(string.IsNullOrWhiteSpace))
                {
                    // Without one the item could never leave Draft: nothing would ever run it, and its plan would never end.
                    throw new ToolException("acceptance_criteria cannot be empty: give each item at least one criterion a person can check");
                }

                var kind = Optional(args, "kind") is { } k ? Parse<WorkKind>("kind", k) : WorkKind.Feature;
                var pipeline = Optional(args, "pipeline");
                if (kind == WorkKind.Plan != (pipeline == "plan"))
                {
                    throw new ToolException("a plan within the plan needs kind plan and pipeline plan together; any other item neither");
                }

                var created = await AddAsync(new NewWorkItem
                {
                    Title = title,
                    Description = Optional(args, "description") ?? "",
                    AcceptanceCriteria = criteria,
                    DefinitionOfDone = Strings(args, "definition_of_done"),
                    Verification = Steps(args),
                    Dependencies = Strings(args, "depends_on"),
                    Priority = args.TryGetProperty("priority", out var p) && p.TryGetInt32(out var priority) ? priority : WorkItemRules.DefaultPriority,
                    Tier = Optional(args, "tier") is { } tier ? Parse<ComplexityTier>("tier", tier) : null,
                    Kind = kind,
                    Parent = item.Key,
                    Pipeline = pipeline,
                    KeepAsDraft = _plan.DraftItems,
                }, ct);
                return $"created {created.Key} ({created.Status})";
            });
    }

    private AgentTool RefineItem() => new(
        ToolNames.RefineItem,
        "Settle this item before it is built: acceptance criteria a person can check, a definition of done, and verification steps that can be run. Give any of them; each replaces what the item has.",
        AgentTool.ObjectSchema($$$"""
            {"acceptance_criteria":{"type":"array","items":{"type":"string"}},"definition_of_done":{"type":"array","items":{"type":"string"}},
             "verification":{{{VerificationSchema}}}}
            """),
        async (args, ct) =>
        {
            var criteria = args.TryGetProperty("acceptance_criteria", out _) ? Strings(args, "acceptance_criteria") : null;
            var done = args.TryGetProperty("definition_of_done", out _) ? Strings(args, "definition_of_done") : null;
            var steps = args.TryGetProperty("verification", out _) ? Steps(args) : null;
            if (criteria is null && done is null && steps is null)
            {
                throw new ToolException("give acceptance_criteria, definition_of_done or verification (or finish if the item is clear as it is)");
            }

            if (criteria is { Count: 0 })
            {
                throw new ToolException("acceptance_criteria cannot be empty: an item needs at least one criterion a person can check");
            }

            var current = await store.GetItemAsync(item.ProjectId, item.Key, ct) ?? throw new ToolException($"{item.Key} no longer exists");
            var edited = await store.EditItemAsync(item.ProjectId, item.Key,
                new ItemEdit { AcceptanceCriteria = criteria, DefinitionOfDone = done, Verification = steps }, current.Version, Actor, ct);
            var result = edited.Item ?? throw new ToolException($"{item.Key} was not refined: {edited.Error}");
            return FormattableString.Invariant(
                $"refined {result.Key}: {result.AcceptanceCriteria.Count} criteria, {result.DefinitionOfDone.Count} done checks, {result.Verification.Count} verification steps");
        });

    private AgentTool ReportBug() => new(
        ToolNames.ReportBug,
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

            var title = Text(args, "title").Trim();
            await CheckRoomAsync(item, title, "finish with result fail and describe the bug in your summary", ct);
            var description = new StringBuilder(Text(args, "description"));
            if (Optional(args, "steps_to_reproduce") is { Length: > 0 } steps)
            {
                description.Append("\n\nSteps to reproduce:\n").Append(steps);
            }

            description.Append(FormattableString.Invariant($"\n\nFound by the {role} in {item.Key} ({severity})."));
            var bug = await AddAsync(new NewWorkItem
            {
                Title = title,
                Description = description.ToString(),
                AcceptanceCriteria = [$"the bug no longer happens: {title}"],
                Kind = WorkKind.Bug,
                Priority = Array.IndexOf(Severities, severity) + 1,
                Parent = item.Key,
            }, ct);
            await store.AppendEventAsync(new NewEvent(item.ProjectId, item.Key, EventTypes.BugReported, Actor,
                JsonSerializer.Serialize(new { bug = bug.Key, title = bug.Title, severity })), ct);
            return $"reported {bug.Key} ({severity})";
        });

    private AgentTool RequestChanges() => new(
        ToolNames.RequestChanges,
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

    private static string VerificationSchema => $$$"""
        {"type":"array","items":{"type":"object","properties":{"kind":{"type":"string","enum":{{{Json(VerificationStep.Kinds)}}}},"argument":{"type":"string"},"expected":{"type":"string"}},"required":["kind"]}}
        """;

    private static string Json(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    /// <summary>
    /// Refuses a new child of <paramref name="parent"/> that its family has no room for: the plan it belongs to
    /// (or, without one, the item) holds at most <see cref="PlanRules.MaxItems"/> items and bugs, and one title once.
    /// </summary>
    private async Task CheckRoomAsync(WorkItem parent, string title, string instead, CancellationToken cancellationToken)
    {
        var all = (await store.ListItemsAsync(parent.ProjectId, ItemQuery.All, cancellationToken)).Items;
        var byKey = all.ToDictionary(i => i.Key, StringComparer.Ordinal);
        var root = parent;
        while (root.Kind != WorkKind.Plan && root.Parent is { } up && byKey.TryGetValue(up, out var above))
        {
            root = above;
        }

        if (all.FirstOrDefault(i => i.Parent == parent.Key && string.Equals(i.Title.Trim(), title, StringComparison.OrdinalIgnoreCase)) is { } twin)
        {
            throw new ToolException($"{twin.Key} already has the title '{twin.Title}' here: create each item once; {instead}");
        }

        var family = Descendants(all, root.Key);
        if (family >= _plan.MaxItems)
        {
            throw new ToolException(FormattableString.Invariant(
                $"{root.Key} already holds {family} items, the most it may (planning.max_items in .wilson/wilson.yaml): {instead}"));
        }
    }

    private static int Descendants(IReadOnlyList<WorkItem> all, string key)
    {
        var keys = new HashSet<string>([key], StringComparer.Ordinal);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var child in all.Where(i => i.Parent is { } parent && keys.Contains(parent) && !keys.Contains(i.Key)))
            {
                grew |= keys.Add(child.Key);
            }
        }

        return keys.Count - 1;
    }

    // Verification steps as the planner gives them: {kind, argument, expected}; the loop has checked their shape against the schema.
    private static List<VerificationStep> Steps(JsonElement args) =>
        args.TryGetProperty("verification", out var steps) && steps.ValueKind == JsonValueKind.Array
            ? [.. steps.EnumerateArray().Select(step => step.ValueKind == JsonValueKind.Object && step.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                ? new VerificationStep(kind.GetString()!, Optional(step, "argument"), Optional(step, "expected"))
                : throw new ToolException($"each verification step is an object with a kind ({string.Join(", ", VerificationStep.Kinds)})"))]
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
