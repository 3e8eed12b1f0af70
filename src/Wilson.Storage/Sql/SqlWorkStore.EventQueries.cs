using Wilson.Core.Events;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>
/// Reading the event log: forward from a sequence (what a watcher does) or back from the end, narrowed by
/// type, actor, time and text. Only seq, project and item are indexed (each append pays for every index);
/// the other filters are checked on the rows read in sequence order, which a LIMIT stops early, so a filter
/// that matches little of a long log reads much of it (a time range too: at is not indexed).
/// </summary>
internal abstract partial class SqlWorkStore
{
    public Task<IReadOnlyList<WorkEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken) =>
        ReadEventsAsync(query, newest: false, cancellationToken);

    public Task<IReadOnlyList<WorkEvent>> ReadLastEventsAsync(EventQuery query, CancellationToken cancellationToken) =>
        ReadEventsAsync(query, newest: true, cancellationToken);

    private Task<IReadOnlyList<WorkEvent>> ReadEventsAsync(EventQuery query, bool newest, CancellationToken cancellationToken)
    {
        var where = EventConditions(query);
        if (where.MatchesNothing)
        {
            return Task.FromResult<IReadOnlyList<WorkEvent>>([]);
        }

        return ReadAsync<IReadOnlyList<WorkEvent>>(async connection =>
        {
            var rows = await connection.QueryListAsync<EventRow>(
                $"SELECT {EventRow.Columns} FROM events{where.Where} ORDER BY seq{(newest ? " DESC" : "")} LIMIT @Limit",
                where.With(new { query.Limit }), null, cancellationToken);
            var events = rows.Select(r => r.ToEvent());
            return newest ? [.. events.Reverse()] : [.. events];
        }, cancellationToken);
    }

    private SqlConditions EventConditions(EventQuery query)
    {
        if (query.From > query.To)
        {
            throw new ArgumentException(
                $"the time range ends before it starts: From {query.From:O} is after To {query.To:O}", nameof(query));
        }

        var where = new SqlConditions();
        where.Compare("seq", ">", "AfterSequence", query.AfterSequence);
        where.Compare("seq", "<", "BeforeSequence", query.BeforeSequence);
        where.Equal(query.ItemKey is null ? EventProjectColumn : "project_id", "ProjectId", query.ProjectId);
        where.Equal("item_key", "ItemKey", query.ItemKey);
        if (query.Types is { } types)
        {
            where.AnyOf(TypeIs(where, "Types", types));
        }

        if (query.ExcludedTypes is { Count: > 0 } excluded)
        {
            where.Add($"NOT {SqlConditions.Or(TypeIs(where, "ExcludedTypes", excluded))}");
        }

        where.Equal("actor", "Actor", query.Actor?.ToString());
        if (query.ActorKind is { } kinds)
        {
            // Actors are stored as kind:name (Actor.ToString).
            where.AnyOf([.. Enum.GetValues<ActorKind>().Where(k => kinds.HasFlag(k))
                .Select(k => StartsWith("actor", where.Bind($"ActorKind{k}", $"{k.ToString().ToLowerInvariant()}:")))]);
        }

        where.Compare("at", ">=", "From", query.From?.ToUnixTimeMilliseconds());
        where.Compare("at", "<", "To", query.To?.ToUnixTimeMilliseconds());
        if (!string.IsNullOrEmpty(query.Text))
        {
            where.Add(TextIn(where, query.Text));
        }

        return where;
    }

    /// <summary>The conditions that the type is one of <paramref name="types"/>: exact names in one list, each prefix (ending in a dot) by itself.</summary>
    private List<string> TypeIs(SqlConditions where, string name, IReadOnlyCollection<string> types)
    {
        var exact = types.Where(t => !EventQuery.IsTypePrefix(t)).Distinct(StringComparer.Ordinal).ToList();
        var conditions = types.Where(EventQuery.IsTypePrefix).Distinct(StringComparer.Ordinal)
            .Select((prefix, i) => StartsWith("type", where.Bind($"{name}Prefix{i}", prefix)))
            .ToList();
        if (exact.Count > 0)
        {
            conditions.Add(In("type", where.Bind(name, exact)));
        }

        return conditions;
    }

    /// <summary>The text in the type, or in the payload in any of its forms (<see cref="EventQuery.TextForms"/>: as typed and as JSON writes it).</summary>
    private string TextIn(SqlConditions where, string text)
    {
        var typed = where.Bind("Text", LikePattern.Containing(text));
        var inPayload = EventQuery.TextForms(text).Select((form, i) => ("payload", i == 0 ? typed : where.Bind($"Text{i}", LikePattern.Containing(form))));
        return LikeAny([("type", typed), .. inPayload]);
    }

    // Case-sensitive on both databases (SQLite's LIKE is not), and no pattern characters to escape.
    private static string StartsWith(string column, string parameter) => $"substr({column}, 1, length({parameter})) = {parameter}";
}
