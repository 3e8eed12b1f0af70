namespace Wilson.Core.Workflow;

/// <summary>Who did something; every transition and event names one.</summary>
public sealed record Actor(ActorKind Kind, string Name)
{
    public static readonly Actor System = new(ActorKind.System, "wilson");

    public static Actor Person(string name) => new(ActorKind.Person, name);

    public static Actor Agent(string role) => new(ActorKind.Agent, role);

    /// <summary>The name of the person at this terminal, for actions taken from the CLI.</summary>
    public static Actor CurrentUser() => Person(Environment.UserName is { Length: > 0 } name ? name : "person");

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Name}";

    /// <summary>Reads the form <see cref="ToString"/> writes; unknown kinds become System.</summary>
    public static Actor Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return new Actor(ActorKind.System, text);
        }

        var kind = Enum.TryParse<ActorKind>(text[..colon], ignoreCase: true, out var parsed) ? parsed : ActorKind.System;
        return new Actor(kind, text[(colon + 1)..]);
    }
}
