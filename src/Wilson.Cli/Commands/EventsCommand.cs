using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Wilson.Cli.Projects;
using Wilson.Core.Events;
using Wilson.Core.Storage;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson events</c>: the project's audit trail, and with <c>--follow</c> a live feed of it.</summary>
internal static class EventsCommand
{
    private const int Page = 500;
    private const int SummaryWidth = 120;

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var item = new Option<string?>("--item") { Description = "Only the events of this item, e.g. T-1" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they happen, until Ctrl+C" };
        var limit = new Option<int?>("--limit", "-n") { Description = "Only the last N events (before following)" };
        var filters = new EventFilterOptions();
        var command = new Command("events", "Print the project's events in order: who did what to which item, and when") { item, follow, limit };
        foreach (var filter in filters.All)
        {
            command.Options.Add(filter);
        }

        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            if (cli.Get(limit) is < 1)
            {
                throw new CliException($"--limit: {cli.Get(limit)} must be at least 1");
            }

            var query = filters.Apply(cli, new EventQuery
            {
                ItemKey = cli.Get(item) is { } key ? ProjectContext.ParseKey(key) : null,
                Limit = Page,
            });
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            query = query with { ProjectId = project.Project.Id };
            if (query.ItemKey is { } itemKey)
            {
                _ = await project.GetItemAsync(itemKey, cancellationToken);
            }

            var last = await WriteHistoryAsync(cli, project, query, cli.Get(limit), cancellationToken);
            if (!cli.Get(follow))
            {
                return ExitCodes.Success;
            }

            await foreach (var e in project.Store.WatchEventsAsync(query with { AfterSequence = last }, cancellationToken))
            {
                Write(cli, e);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Writes the events so far that match <paramref name="query"/>: all of them, or the last <paramref name="limit"/>, read from
    /// the end of the log. Returns the sequence they were read up to, where a follower starts: nothing is shown twice or missed.
    /// </summary>
    internal static async Task<long> WriteHistoryAsync(CliContext cli, ProjectContext project, EventQuery query, int? limit, CancellationToken cancellationToken)
    {
        var upTo = await project.Store.GetLastSequenceAsync(cancellationToken);
        var history = query with { BeforeSequence = upTo + 1 };
        if (limit is { } count)
        {
            foreach (var e in await LastAsync(project.Store, history, count, cancellationToken))
            {
                Write(cli, e);
            }

            return upTo;
        }

        for (var after = history.AfterSequence; ;)
        {
            var page = await project.Store.ReadEventsAsync(history with { AfterSequence = after }, cancellationToken);
            foreach (var e in page)
            {
                Write(cli, e);
            }

            if (page.Count < history.Limit)
            {
                return upTo;
            }

            after = page[^1].Sequence;
        }
    }

    /// <summary>The last <paramref name="count"/> events matching <paramref name="query"/>, oldest first, read back a page at a time.</summary>
    private static async Task<List<WorkEvent>> LastAsync(IWorkStore store, EventQuery query, int count, CancellationToken cancellationToken)
    {
        var events = new List<WorkEvent>();
        while (events.Count < count)
        {
            var wanted = Math.Min(count - events.Count, query.Limit);
            var page = await store.ReadLastEventsAsync(query with { Limit = wanted }, cancellationToken);
            events.InsertRange(0, page);
            if (page.Count < wanted)
            {
                break;
            }

            query = query with { BeforeSequence = page[0].Sequence };
        }

        return events;
    }

    // Plain lines rather than a table: a follower prints one event at a time, and readers of a pipe want one line per event.
    internal static void Write(CliContext cli, WorkEvent e)
    {
        if (cli.Json)
        {
            cli.Output.WriteJsonLine(EventLine.From(e));
            return;
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{e.Sequence,6}  {ItemDisplay.Time(e.At, cli.Time)}  {e.Actor,-18}  {e.ItemKey ?? "-",-6}  {e.Type,-18}  {Summarize(e.PayloadJson)}");
        cli.Output.WriteLine(line.TrimEnd());
    }

    /// <summary>
    /// The payload in a line: a move reads "Ready at plan -> Ready at develop: reason"; other fields
    /// are written <c>name=value</c>, empty ones left out.
    /// </summary>
    internal static string Summarize(string payloadJson)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Cut(ErrorText.OneLine(payloadJson));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Cut(root.GetRawText());
        }

        var parts = new List<string>();
        var skip = new HashSet<string>(StringComparer.Ordinal);
        if (Place(root, "from") is { } from && Place(root, "to") is { } to)
        {
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            parts.Add(string.IsNullOrEmpty(reason) ? $"{from} -> {to}" : $"{from} -> {to}: {ErrorText.OneLine(reason)}");
            skip.UnionWith(["from", "to", "reason"]);
        }

        foreach (var property in root.EnumerateObject().Where(p => !skip.Contains(p.Name)))
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Array when property.Value.GetArrayLength() == 0 => null,
                JsonValueKind.Object when !property.Value.EnumerateObject().Any() => null,
                _ => property.Value.GetRawText(),
            };
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{property.Name}={ErrorText.OneLine(value)}");
            }
        }

        return Cut(string.Join(' ', parts));
    }

    /// <summary>"Ready at plan" from <c>{"stage": "plan", "status": "Ready"}</c>.</summary>
    private static string? Place(JsonElement root, string name) =>
        root.TryGetProperty(name, out var place) && place.ValueKind == JsonValueKind.Object
        && place.TryGetProperty("stage", out var stage) && stage.ValueKind == JsonValueKind.String
        && place.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
            ? $"{status.GetString()} at {stage.GetString()}"
            : null;

    private static string Cut(string text) => text.Length <= SummaryWidth ? text : string.Concat(text.AsSpan(0, SummaryWidth - 3), "...");
}
