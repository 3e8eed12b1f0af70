using System.Text;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>One fuzz case's run, the invariants it broke, what it exercised, each item's history, and what the weak model played.</summary>
internal sealed record FuzzResult(
    FuzzCase Case, FuzzRun Run, IReadOnlyList<string> Violations, FuzzCoverage Coverage, IReadOnlyList<string> History, IReadOnlyList<WeakModelPlay> Plays)
{
    private const int StdoutLines = 40;
    private const int PlaysShown = 30;

    /// <summary>One line for the test output.</summary>
    public string Line =>
        $"{Case}: exit {Run.ExitCode} in {Run.Elapsed.TotalSeconds:0.0} s, {Plays.Count} plays; {Coverage}; " +
        $"{(Violations.Count == 0 ? "invariants hold" : $"{Violations.Count} INVARIANT(S) BROKEN")}; {Run.Verdict ?? "(no verdict)"}";

    /// <summary>What a person needs to see a failing seed and run it again.</summary>
    public string Report()
    {
        var text = new StringBuilder()
            .AppendLine($"{Case}: {Violations.Count} invariant(s) broken")
            .AppendLine($"replay: {Case.Replay}");
        foreach (var violation in Violations)
        {
            text.AppendLine($"- {violation}");
        }

        text.AppendLine("--- the items: status, stage, then each execution's stage and result, and the last move");
        foreach (var line in History)
        {
            text.AppendLine(line);
        }

        text.AppendLine($"verdict: {Run.Verdict ?? "(none)"} (exit {Run.ExitCode} after {Run.Elapsed.TotalSeconds:0.0} s{(Run.TimedOut ? ", timed out" : "")})")
            .AppendLine($"--- stdout, last {StdoutLines} lines").AppendLine(Run.Tail(StdoutLines))
            .AppendLine("--- stderr").AppendLine(Run.Stderr)
            .AppendLine($"--- the weak model's last {Math.Min(PlaysShown, Plays.Count)} plays of {Plays.Count}");
        foreach (var play in Plays.TakeLast(PlaysShown))
        {
            var line = play.ToString();
            text.AppendLine(line.Length <= 200 ? line : line[..200] + "...");
        }

        return text.ToString();
    }
}
