namespace Wilson.Core.Roles;

/// <summary>The tools Wilson's agents can be given, by name: what <c>roles.&lt;role&gt;.tools</c> in <c>wilson.yaml</c> may list.</summary>
public static class ToolNames
{
    public const string ReadFile = "read_file";
    public const string WriteFile = "write_file";
    public const string EditFile = "edit_file";
    public const string ListFiles = "list_files";
    public const string Search = "search";
    public const string RunCommand = "run_command";
    public const string RunTests = "run_tests";
    public const string GitStatus = "git_status";
    public const string GitDiff = "git_diff";
    public const string SaveArtifact = "save_artifact";
    public const string CreateItem = "create_item";
    public const string RefineItem = "refine_item";
    public const string ReportBug = "report_bug";
    public const string RequestChanges = "request_changes";

    /// <summary>Every tool a role may be given (<c>finish</c> is every role's and is not listed).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        ReadFile, WriteFile, EditFile, ListFiles, Search, RunCommand, RunTests, GitStatus, GitDiff, SaveArtifact,
        CreateItem, RefineItem, ReportBug, RequestChanges,
    ];

    /// <summary>The tools that write files of the worktree, confined to the role's territory (<c>writes</c>).</summary>
    public static readonly IReadOnlyList<string> Writing = [WriteFile, EditFile];
}
