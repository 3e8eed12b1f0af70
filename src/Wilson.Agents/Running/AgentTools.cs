using System.Text;
using System.Text.Json;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;
using static Wilson.Agents.Running.ToolArguments;

namespace Wilson.Agents.Running;

/// <summary>
/// The tools every role gets, bound to one item's worktree: files (read, write, edit, list, search),
/// commands and tests through the runner, git status and diff, and artifacts. Each returns text for the
/// model; what cannot be done is a <see cref="ToolException"/> saying why.
/// </summary>
/// <param name="worktree">The item's worktree.</param>
/// <param name="artifactsDirectory">Where save_artifact writes: outside the worktree, so artifacts are not committed with the code.</param>
/// <param name="runner">Runs commands and tests, confined to the worktree.</param>
/// <param name="git">The git CLI.</param>
/// <param name="testCommand">The project's test command (project.test_command).</param>
/// <param name="onCommandEvent">Where a running command's output goes as it arrives.</param>
/// <param name="limits">The project's command limits (commands in wilson.yaml); null for the defaults.</param>
/// <param name="baseBranch">The branch the item's work started from: git_diff shows the whole change against it; null shows only what is not committed.</param>
public sealed class AgentTools(
    string worktree,
    string artifactsDirectory,
    CommandRunner runner,
    GitProcess git,
    string testCommand,
    Action<CommandEvent>? onCommandEvent = null,
    CommandLimits? limits = null,
    string? baseBranch = null)
{
    private const int MaxDiffCharacters = 20_000;

    private readonly WorktreeFiles _files = new(worktree);

    public IReadOnlyList<AgentTool> All() =>
    [
        new("read_file", "Read a file of the worktree, whole or lines from_line to to_line.",
            AgentTool.ObjectSchema("""{"path":{"type":"string"},"from_line":{"type":"integer"},"to_line":{"type":"integer"}}""", "path"),
            (args, _) => Task.FromResult(_files.Read(Text(args, "path"), Integer(args, "from_line"), Integer(args, "to_line")))),
        new("write_file", "Write a whole file (created with its directories if missing).", AgentTool.Strings("path", "content"),
            (args, _) => Task.FromResult(_files.Write(Text(args, "path"), Text(args, "content")))),
        new("edit_file", "Replace the one exact occurrence of search with replace in a file.", AgentTool.Strings("path", "search", "replace"),
            (args, _) => Task.FromResult(_files.Edit(Text(args, "path"), Text(args, "search"), Text(args, "replace")))),
        new("list_files", "List the files of the worktree, or of one directory in it.", AgentTool.ObjectSchema("""{"directory":{"type":"string"}}"""),
            (args, _) => Task.FromResult(List(Optional(args, "directory")))),
        new("search", "Search the worktree's files for a text (git grep), with line numbers.", AgentTool.Strings("text"),
            SearchAsync),
        new("run_command", "Run a shell command in the worktree; returns its exit and output.", AgentTool.Strings("command"),
            (args, ct) => RunAsync(Text(args, "command"), ct)),
        new("run_tests", "Run the project's tests; returns their exit and output.", AgentTool.ObjectSchema("{}"),
            (_, ct) => string.IsNullOrWhiteSpace(testCommand)
                ? throw new ToolException("no test command is configured (project.test_command in .wilson/wilson.yaml)")
                : RunAsync(testCommand, ct)),
        new("git_status", "What is changed in the worktree (git status --short).", AgentTool.ObjectSchema("{}"),
            async (_, ct) => Or(await GitAsync(["status", "--short"], ct), "nothing changed")),
        new("git_diff", baseBranch is null
                ? "The changes in the worktree not yet committed (git diff)."
                : $"The item's whole change so far against {baseBranch} (every step's commit and what is not committed yet).",
            AgentTool.ObjectSchema("{}"),
            async (_, ct) => Cut(Or(await GitAsync(["diff", await DiffBaseAsync(ct)], ct), "no changes"))),
        new("save_artifact", "Save a named text artifact (a report, a plan) for the person and the next stage.", AgentTool.Strings("name", "content"),
            (args, _) => Task.FromResult(SaveArtifact(Text(args, "name"), Text(args, "content")))),
    ];

    // Each step that changes files is committed as a checkpoint, so the change is what lies between the base and the worktree.
    private async Task<string> DiffBaseAsync(CancellationToken cancellationToken) =>
        baseBranch is null ? "HEAD" : (await GitAsync(["merge-base", "HEAD", baseBranch], cancellationToken)).Trim();

    private string List(string? directory)
    {
        var files = _files.List(directory);
        return files.Count == 0 ? "no files" : string.Join('\n', files);
    }

    private async Task<string> SearchAsync(JsonElement args, CancellationToken cancellationToken)
    {
        var text = Text(args, "text");
        var result = await git.RunAsync(worktree, ["grep", "--line-number", "--untracked", "--fixed-strings", "-e", text], cancellationToken);
        return result.ExitCode switch
        {
            0 => Cut(result.StandardOutput),
            1 => $"no file contains \"{text}\"",
            _ => throw new ToolException($"search failed: {result.StandardError}"),
        };
    }

    private async Task<string> RunAsync(string command, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(
            new CommandRequest { Command = command, WorkingDirectory = worktree, Limits = limits ?? new CommandLimits() }, onCommandEvent, cancellationToken);
        var head = result.Outcome switch
        {
            CommandOutcome.Exited => $"exit {result.ExitCode}",
            _ => result.Reason ?? result.Outcome.ToString(),
        };
        return result.Output.Length == 0 ? head : $"{head}\n{result.Output}";
    }

    private async Task<string> GitAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await git.RunAsync(worktree, arguments, cancellationToken);
        return result.Succeeded ? result.StandardOutput : throw new ToolException($"git {string.Join(' ', arguments)} failed: {result.StandardError}");
    }

    private string SaveArtifact(string name, string content)
    {
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')).Trim('.', '-');
        if (safe.Length == 0)
        {
            throw new ToolException("the artifact needs a name of letters, digits, '-', '_' or '.'");
        }

        Directory.CreateDirectory(artifactsDirectory);
        File.WriteAllText(Path.Combine(artifactsDirectory, safe), content, Encoding.UTF8);
        return $"saved artifact {safe}";
    }

    private static string Or(string text, string empty) => text.Length == 0 ? empty : text;

    private static string Cut(string text) =>
        text.Length <= MaxDiffCharacters ? text : text[..MaxDiffCharacters] + $"\n[... {text.Length - MaxDiffCharacters:N0} more characters not shown ...]";
}
