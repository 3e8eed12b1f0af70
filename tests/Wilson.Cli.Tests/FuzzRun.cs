using System.Text.RegularExpressions;

namespace Wilson.Cli.Tests;

/// <summary>How the CLI run that drove a fuzz case ended.</summary>
/// <param name="ExitCode">The exit code (<c>serve</c>: after the test stopped it).</param>
/// <param name="Stdout">Everything written to stdout.</param>
/// <param name="Stderr">Everything written to stderr.</param>
/// <param name="TimedOut">True when the run did not end (or, for serve, the plan did not settle) within the run's time.</param>
/// <param name="Elapsed">How long it ran.</param>
internal sealed partial record FuzzRun(int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Elapsed)
{
    /// <summary>The verdict <c>idea --wait</c> ends with: its last line that reads as one; null when none.</summary>
    public string? Verdict =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(VerdictLine().IsMatch);

    /// <summary>The end of stdout, for a failure's report.</summary>
    public string Tail(int lines) => string.Join('\n', Stdout.Split('\n').TakeLast(lines));

    [GeneratedRegex(@"^(The plan is done: |Nothing was built: |\d+ of \d+ items? merged into )")]
    private static partial Regex VerdictLine();
}
