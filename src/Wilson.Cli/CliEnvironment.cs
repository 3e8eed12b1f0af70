using System.Collections;

namespace Wilson.Cli;

/// <summary>
/// Everything the CLI takes from the process it runs in, so tests can run it in-process with
/// captured output, a temporary working directory, their own environment and a fake clock.
/// </summary>
internal sealed record CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Absolute path the CLI resolves relative paths and finds the project from.</summary>
    public required string WorkingDirectory { get; init; }

    public required IReadOnlyDictionary<string, string> Variables { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>True when <see cref="Out"/> is a terminal: colours and tables sized to it.</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>True when the CLI owns the process: Ctrl+C and SIGTERM cancel the running command.</summary>
    public bool HandlesTerminationSignals { get; init; }

    public string? Variable(string name) =>
        Variables.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string ?? "";
        }

        return new CliEnvironment
        {
            Out = Console.Out,
            Error = Console.Error,
            WorkingDirectory = Environment.CurrentDirectory,
            Variables = variables,
            OutIsTerminal = !Console.IsOutputRedirected,
            HandlesTerminationSignals = true,
        };
    }
}
