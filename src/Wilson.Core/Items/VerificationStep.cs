namespace Wilson.Core.Items;

/// <summary>
/// A mechanical check run after an agent says it passed: <see cref="Kind"/> is one of
/// <c>file_exists</c>, <c>file_contains</c>, <c>command_succeeds</c>, <c>tests_pass</c>, <c>git_clean</c>.
/// </summary>
/// <param name="Kind">The check to run.</param>
/// <param name="Argument">The path or command the check is about; null for checks that take none.</param>
/// <param name="Expected">Text a <c>file_contains</c> check looks for; null otherwise.</param>
public sealed record VerificationStep(string Kind, string? Argument = null, string? Expected = null)
{
    /// <summary>The kinds of verification step Wilson knows.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        ["file_exists", "file_contains", "command_succeeds", "tests_pass", "tests_fail", "git_clean"];
}
