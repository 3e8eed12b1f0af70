using System.Text.Json;
using Wilson.Core.Items;

namespace Wilson.Agents.Verification;

/// <summary>One verification step's outcome: passed or not, why, the end of its output, and its time.</summary>
public sealed record VerificationCheck(VerificationStep Step, bool Passed, string Detail, string OutputTail, TimeSpan Duration);

/// <summary>Every step's outcome, in order; what the developer gets back as feedback when something failed.</summary>
public sealed record VerificationReport(IReadOnlyList<VerificationCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>One line per step: <c>PASS file_exists src/app.py</c> or <c>FAIL tests_pass: exit 1 ...</c>.</summary>
    public string Summary() => string.Join('\n', Checks.Select(c =>
        $"{(c.Passed ? "PASS" : "FAIL")} {c.Step.Kind}{(c.Step.Argument is { } argument ? $" {argument}" : "")}: {c.Detail}"));

    /// <summary>The report as it is saved on the execution: whether it passed, and each step's outcome.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        passed = Passed,
        checks = Checks.Select(c => new
        {
            kind = c.Step.Kind, argument = c.Step.Argument, expected = c.Step.Expected, passed = c.Passed, detail = c.Detail,
            outputTail = c.OutputTail, durationMs = (long)c.Duration.TotalMilliseconds,
        }),
    });
}
