using System.CommandLine;
using Wilson.Core.Configuration;
using Wilson.Core.Events;
using Wilson.Core.Workflow;

namespace Wilson.Cli.Commands;

/// <summary>The options of <c>wilson events</c> that narrow what it shows: <c>--type</c>, <c>--exclude-type</c>, <c>--actor</c>, <c>--text</c>.</summary>
internal sealed class EventFilterOptions
{
    private static readonly string[] Kinds = [.. Enum.GetNames<ActorKind>().Select(k => k.ToLowerInvariant())];

    private readonly Option<string[]> _types = new("--type")
    {
        Description = "Only events of this type (repeat for several); a name ending in a dot is a prefix, e.g. agent.",
        HelpName = "type",
    };

    private readonly Option<string[]> _excludedTypes = new("--exclude-type")
    {
        Description = "Leave out events of this type (repeat for several; a prefix ends in a dot), e.g. agent.text",
        HelpName = "type",
    };

    private readonly Option<string?> _actor = new("--actor")
    {
        Description = "Only events by this actor: a kind (person, agent, system) or kind:name, e.g. agent:developer",
        HelpName = "actor",
    };

    private readonly Option<string?> _text = new("--text")
    {
        Description = "Only events whose type or payload contains this text (case ignored)",
        HelpName = "text",
    };

    public IEnumerable<Option> All => [_types, _excludedTypes, _actor, _text];

    /// <summary><paramref name="query"/> narrowed by the options given; a bad value is refused naming its option.</summary>
    public EventQuery Apply(CliContext cli, EventQuery query)
    {
        var narrowed = query with
        {
            Types = Types(cli.Get(_types), "--type"),
            ExcludedTypes = Types(cli.Get(_excludedTypes), "--exclude-type"),
            Text = cli.Get(_text) is { Length: > 0 } text ? text : null,
        };
        return cli.Get(_actor) is { } actor ? WithActor(narrowed, actor) : narrowed;
    }

    // None given is no filter: an empty set would match nothing.
    private static string[]? Types(string[]? given, string option) =>
        given is not { Length: > 0 } ? null
        : given.Any(string.IsNullOrWhiteSpace) ? throw new CliException($"{option}: give a type such as item.created, or a prefix such as agent.")
        : [.. given.Select(t => t.Trim())];

    /// <summary>"agent" narrows to a kind of actor, "person:ada" to one actor.</summary>
    internal static EventQuery WithActor(EventQuery query, string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kindText = (colon < 0 ? text : text[..colon]).Trim();
        var name = colon < 0 ? null : text[(colon + 1)..].Trim();
        var known = Kinds.Contains(kindText, StringComparer.OrdinalIgnoreCase);
        if (!known || name is "")
        {
            throw new CliException(
                $"--actor: '{text}' is neither a kind of actor ({string.Join(", ", Kinds)}) nor kind:name such as person:ada" +
                (known ? "" : Suggestions.DidYouMean(kindText, Kinds)));
        }

        var kind = Enum.Parse<ActorKind>(kindText, ignoreCase: true);
        return name is null ? query with { ActorKind = kind } : query with { Actor = new Actor(kind, name) };
    }
}
