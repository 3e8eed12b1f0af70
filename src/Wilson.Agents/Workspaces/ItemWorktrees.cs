using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Wilson.Agents.Git;

namespace Wilson.Agents.Workspaces;

/// <summary>
/// One git worktree per item, <c>.wilson/worktrees/T-12</c> on branch <c>wilson/T-12-slug</c> from the
/// default branch, so agents working on different items never see each other's files. Each agent step
/// that changed files becomes a checkpoint commit, and an item can be rolled back to any of them.
/// Uses the git CLI.
/// </summary>
public sealed partial class ItemWorktrees(string repositoryRoot, string defaultBranch, GitProcess git)
{
    private const string CheckpointPrefix = "wilson:";

    // git writes a new worktree's files under .git/worktrees one by one, and `worktree add` and `remove` read
    // every worktree's: two at once in one repository can read a half-written one and fail ("failed to read
    // .git/worktrees/T-3/commondir"). So worktrees are added and removed one at a time per repository: in this
    // process by a semaphore, across processes (a second serve, idea --wait) by a file lock beside them.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WorktreeChanges = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _worktreeChange = WorktreeChanges.GetOrAdd(Path.GetFullPath(repositoryRoot), _ => new SemaphoreSlim(1, 1));

    public string Root { get; } = Path.Combine(Path.GetFullPath(repositoryRoot), ".wilson", "worktrees");

    public string PathOf(string itemKey) => Path.Combine(Root, itemKey);

    /// <summary>
    /// The file every process that adds or removes a worktree in this repository locks while it does (beside the
    /// worktrees, which <c>.wilson/.gitignore</c> already leaves out of the repository).
    /// </summary>
    public string LockFile => Path.Combine(Root, ".lock");

    /// <summary>The item's branch name: <c>wilson/T-12-add-a-health-endpoint</c>.</summary>
    public static string BranchOf(string itemKey, string title)
    {
        var slug = NotSlug().Replace(title.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 40)
        {
            // Cut at a word's end, not in the middle of one.
            var cut = slug[..40];
            slug = (slug[40] == '-' || !cut.Contains('-', StringComparison.Ordinal) ? cut : cut[..cut.LastIndexOf('-')]).TrimEnd('-');
        }

        return slug.Length == 0 ? $"wilson/{itemKey}" : $"wilson/{itemKey}-{slug}";
    }

    /// <summary>Creates the item's worktree (or returns the existing one) and its path.</summary>
    public async Task<string> EnsureAsync(string itemKey, string title, CancellationToken cancellationToken)
    {
        var path = PathOf(itemKey);
        if (Directory.Exists(Path.Combine(path)) && File.Exists(Path.Combine(path, ".git")))
        {
            return path;
        }

        Directory.CreateDirectory(Root);
        var branch = BranchOf(itemKey, title);
        var exists = (await GitAsync(repositoryRoot, ["rev-parse", "--verify", "--quiet", $"refs/heads/{branch}"], cancellationToken, check: false)).Succeeded;
        if (!exists && !(await GitAsync(repositoryRoot, ["rev-parse", "--verify", "--quiet", $"refs/heads/{defaultBranch}"], cancellationToken, check: false)).Succeeded)
        {
            throw new InvalidOperationException(
                $"the default branch '{defaultBranch}' has no commit yet: commit the project first (each item's work branches from it)");
        }

        await WorktreeAsync(exists ? ["worktree", "add", path, branch] : ["worktree", "add", "-b", branch, path, defaultBranch], cancellationToken);
        return path;
    }

    /// <summary>Adds a worktree at <paramref name="path"/> detached at <paramref name="commit"/> (the merge queue's scratch checkout).</summary>
    public async Task AddDetachedAsync(string path, string commit, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        await WorktreeAsync(["worktree", "add", "--detach", path, commit], cancellationToken);
    }

    /// <summary>
    /// Commits everything the step changed as a checkpoint naming item, stage and step; null when the
    /// step changed nothing (no empty checkpoints), or while a merge left in the worktree still has
    /// conflict markers (the checkpoint that resolves them commits the merge).
    /// </summary>
    public async Task<Checkpoint?> CheckpointAsync(string itemKey, string stage, int step, string summary, CancellationToken cancellationToken)
    {
        var path = PathOf(itemKey);
        if ((await UnresolvedAsync(path, cancellationToken)).Count > 0)
        {
            return null;
        }

        await GitAsync(path, ["add", "--all"], cancellationToken);
        if ((await GitAsync(path, ["diff", "--cached", "--quiet"], cancellationToken, check: false)).Succeeded)
        {
            return null;
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"{CheckpointPrefix} {itemKey} {stage} step {step}: {OneLine(summary)}");
        await GitAsync(path, ["-c", "user.name=Wilson", "-c", "user.email=wilson@localhost", "commit", "--quiet", "--no-verify", "-m", message], cancellationToken);
        var commit = (await GitAsync(path, ["rev-parse", "HEAD"], cancellationToken)).StandardOutput;
        return new Checkpoint(commit, message);
    }

    /// <summary>The item's checkpoints, newest first.</summary>
    public async Task<IReadOnlyList<Checkpoint>> CheckpointsAsync(string itemKey, CancellationToken cancellationToken)
    {
        var log = await GitAsync(PathOf(itemKey), ["log", "--format=%H%x09%s", $"{defaultBranch}..HEAD"], cancellationToken);
        return [.. log.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', 2))
            .Where(parts => parts.Length == 2 && parts[1].StartsWith(CheckpointPrefix, StringComparison.Ordinal))
            .Select(parts => new Checkpoint(parts[0], parts[1]))];
    }

    /// <summary>Resets the item's worktree to <paramref name="commit"/> (a checkpoint of this item), dropping later work.</summary>
    public async Task RollbackAsync(string itemKey, string commit, CancellationToken cancellationToken)
    {
        var checkpoints = await CheckpointsAsync(itemKey, cancellationToken);
        var target = checkpoints.FirstOrDefault(c => c.Commit.StartsWith(commit, StringComparison.OrdinalIgnoreCase))
            ?? throw new ToolException($"{commit} is not a checkpoint of {itemKey}; its checkpoints: {string.Join(", ", checkpoints.Select(c => c.Commit[..10]))}");
        var path = PathOf(itemKey);
        await GitAsync(path, ["reset", "--hard", "--quiet", target.Commit], cancellationToken);
        await GitAsync(path, ["clean", "-fd", "--quiet"], cancellationToken);
    }

    /// <summary>Files of a merge in progress that still hold conflict markers.</summary>
    public async Task<IReadOnlyList<string>> UnresolvedAsync(string worktree, CancellationToken cancellationToken)
    {
        var unmerged = await GitAsync(worktree, ["diff", "--name-only", "--diff-filter=U"], cancellationToken, check: false);
        return [.. unmerged.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(file => File.Exists(Path.Combine(worktree, file)) && File.ReadLines(Path.Combine(worktree, file)).Any(line => line.StartsWith("<<<<<<< ", StringComparison.Ordinal)))];
    }

    /// <summary>Removes the item's worktree (its branch stays, for the record and the merge).</summary>
    public async Task RemoveAsync(string itemKey, CancellationToken cancellationToken)
    {
        if (Directory.Exists(PathOf(itemKey)))
        {
            await WorktreeAsync(["worktree", "remove", "--force", PathOf(itemKey)], cancellationToken);
        }
    }

    private async Task WorktreeAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        await _worktreeChange.WaitAsync(cancellationToken);
        try
        {
            using var otherProcesses = await FileLock.AcquireAsync(LockFile, cancellationToken);
            await GitAsync(repositoryRoot, arguments, cancellationToken);
        }
        finally
        {
            _worktreeChange.Release();
        }
    }

    private async Task<GitResult> GitAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool check = true)
    {
        var result = await git.RunAsync(directory, arguments, cancellationToken);
        if (check && !result.Succeeded)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {directory}: {result.StandardError}");
        }

        return result;
    }

    private static string OneLine(string text)
    {
        var line = new StringBuilder();
        foreach (var c in text.Trim())
        {
            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.Length > 100 ? line.ToString(0, 100) + "..." : line.ToString();
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
