using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Wilson.Cli.Projects;
using Wilson.Core.Events;

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
        var command = new Command("events", "Print the project's events in order: who did what to which item, and when") { item, follow, limit };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            if (cli.Get(limit) is < 1)
            {
                throw new CliException($"--limit: {cli.Get(limit)} must be at least 1");
            }

            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var query = new EventQuery
            {
                ProjectId = project.Project.Id,
                ItemKey = cli.Get(item) is { } key ? ProjectContext.ParseKey(key) : null,
                Limit = Page,
            };
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

    /// <summary>Writes the events so far (the last <paramref name="limit"/> if given); returns the last sequence read.</summary>
    internal static async Task<long> WriteHistoryAsync(CliContext cli, ProjectContext project, EventQuery query, int? limit, CancellationToken cancellationToken)
    {
        var tail = new Queue<WorkEvent>();
        var last = 0L;
        while (true)
        {
            var page = await project.Store.ReadEventsAsync(query with { AfterSequence = last }, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var e in page)
            {
                last = e.Sequence;
                if (limit is null)
                {
                    Write(cli, e);
                    continue;
                }

                tail.Enqueue(e);
                if (tail.Count > limit)
                {
                    tail.Dequeue();
                }
            }
        }

        foreach (var e in tail)
        {
            Write(cli, e);
        }

        return last;
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
