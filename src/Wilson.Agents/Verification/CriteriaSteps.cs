using System.Text.RegularExpressions;
using Wilson.Core.Items;

namespace Wilson.Agents.Verification;

/// <summary>
/// Verification steps read from acceptance criteria that name a command or a file in backticks:
/// "`make test` passes" becomes <c>command_succeeds make test</c>, "`src/health.py` exists" becomes
/// <c>file_exists src/health.py</c>. Anything else is left to the reviewer's judgement.
/// </summary>
public static partial class CriteriaSteps
{
    public static IReadOnlyList<VerificationStep> From(IEnumerable<string> criteria)
    {
        var steps = new List<VerificationStep>();
        foreach (var criterion in criteria)
        {
            foreach (Match quoted in Backticked().Matches(criterion))
            {
                var text = quoted.Groups[1].Value.Trim();
                if (text.Contains(' ', StringComparison.Ordinal))
                {
                    steps.Add(new VerificationStep("command_succeeds", text));
                }
                else if (LooksLikePath().IsMatch(text) && (text.Contains('/', StringComparison.Ordinal) || text.Contains('.', StringComparison.Ordinal)))
                {
                    steps.Add(new VerificationStep("file_exists", text));
                }
            }
        }

        return [.. steps.Distinct()];
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    // A relative path with a directory or an extension: src/app.py, README.md, docs/
    [GeneratedRegex(@"^(?!/)[\w.\-]+(/[\w.\-]*)*$")]
    private static partial Regex LooksLikePath();
}
