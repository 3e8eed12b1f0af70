namespace Wilson.Cli.Commands;

/// <summary>The arguments of <c>wilson init</c> as given; null where the person left the default.</summary>
internal sealed record InitRequest(string? Path, bool GitInit, string? Name, string Pipeline, string? Branch, string? Profile);
