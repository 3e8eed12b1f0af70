using System.CommandLine;
using Wilson.Cli.Projects;

namespace Wilson.Cli;

/// <summary>One run of one command: the environment, the global options as given, and the output.</summary>
internal sealed class CliContext(CliEnvironment environment, GlobalOptions options, ParseResult parseResult)
{
    private CliOutput? _output;

    public CliEnvironment Environment => environment;

    public ParseResult ParseResult => parseResult;

    public bool Json => parseResult.GetValue(options.Json);

    public string? DatabaseOption => parseResult.GetValue(options.Database);

    public CliOutput Output => _output ??= new CliOutput(environment);

    public TimeProvider Time => environment.Time;

    public T Get<T>(Option<T> option) => parseResult.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parseResult.GetValue(argument)!;

    /// <summary>Finds the project from the working directory and opens its store; the caller disposes it.</summary>
    public Task<ProjectContext> OpenProjectAsync(CancellationToken cancellationToken) =>
        ProjectContext.OpenAsync(this, cancellationToken);
}
