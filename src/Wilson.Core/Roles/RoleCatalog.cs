using static Wilson.Core.Roles.ToolNames;

namespace Wilson.Core.Roles;

/// <summary>
/// The roles and what each may do by default (seed 002: role separation enforced by the system, not the
/// prompt): the planner reads and creates items, never writes or runs anything; the reviewer and the
/// security agent read, run the tests and report; the tester writes only test files and the docs agent
/// only documentation; the developer writes anything in the worktree. Also the tool whose use is the
/// evidence a role's pass needs, so that a configuration cannot take it away.
/// </summary>
public static class RoleCatalog
{
    public const string Planner = "planner";
    public const string Developer = "developer";
    public const string Tester = "tester";
    public const string Reviewer = "reviewer";
    public const string Security = "security";
    public const string Docs = "docs";

    /// <summary>Any file of the worktree.</summary>
    public const string Anywhere = "**/*";

    public static readonly IReadOnlyList<string> Roles = [Planner, Developer, Tester, Reviewer, Security, Docs];

    /// <summary>Test files in the usual places and names of the common languages (matched without regard to case).</summary>
    public static readonly IReadOnlyList<string> TestFiles =
    [
        "**/test/**", "**/tests/**", "**/spec/**", "**/specs/**", "**/__tests__/**", "**/*.Tests/**", "**/*.Test/**",
        "**/test.*", "**/tests.*", "**/test_*.*", "**/*_test.*", "**/*_tests.*", "**/*_spec.*", "**/*.test.*", "**/*.spec.*", "**/*Test.*", "**/*Tests.*",
        "**/conftest.py",
    ];

    /// <summary>Documentation: markdown and other prose, the docs folders, the usual top-level files.</summary>
    public static readonly IReadOnlyList<string> DocumentationFiles =
    [
        "**/*.md", "**/*.markdown", "**/*.rst", "**/*.adoc", "**/*.txt", "docs/**", "doc/**", "**/LICENSE*", "**/CHANGELOG*", "**/AUTHORS*",
    ];

    public static readonly IReadOnlyDictionary<string, RolePolicy> Defaults = new Dictionary<string, RolePolicy>(StringComparer.Ordinal)
    {
        [Planner] = new([ReadFile, ListFiles, Search, GitStatus, GitDiff, CreateItem, RefineItem, SaveArtifact], []),
        [Developer] = new([ReadFile, WriteFile, EditFile, ListFiles, Search, RunCommand, RunTests, GitStatus, GitDiff, SaveArtifact], [Anywhere]),
        [Tester] = new([ReadFile, WriteFile, EditFile, ListFiles, Search, RunTests, GitStatus, GitDiff, ReportBug, SaveArtifact], TestFiles),
        [Reviewer] = new([ReadFile, ListFiles, Search, RunTests, GitStatus, GitDiff, RequestChanges, SaveArtifact], []),
        [Security] = new([ReadFile, ListFiles, Search, RunTests, GitStatus, GitDiff, ReportBug, SaveArtifact], []),
        [Docs] = new([ReadFile, WriteFile, EditFile, ListFiles, Search, GitStatus, GitDiff, SaveArtifact], DocumentationFiles),
    };

    /// <summary>What the role is for, in a phrase: told to a model whose call was refused.</summary>
    public static string Job(string role) => role switch
    {
        Planner => "the planner reads the code and plans work items; it does not write files or run commands",
        Developer => "the developer changes the code in the worktree and runs it",
        Tester => "the tester writes and runs tests; it changes no production code (report_bug for what the code needs)",
        Reviewer => "the reviewer reads the change, runs the tests and reports (request_changes); it changes nothing itself",
        Security => "the security agent reads the change, runs the tests and reports findings (report_bug); it changes nothing itself",
        Docs => "the docs agent writes documentation only",
        _ => $"the {role}",
    };

    /// <summary>
    /// The tools of which a role's pass needs at least one to have been used (the evidence that it did its job):
    /// a role configured without all of them could never pass, so the configuration is refused.
    /// </summary>
    public static IReadOnlyList<string> EvidenceTools(string role) => role switch
    {
        Planner => [CreateItem],
        Developer => [WriteFile, EditFile, RunCommand],
        Tester => [RunTests],
        Reviewer or Security or Docs => [GitDiff],
        _ => [],
    };
}
