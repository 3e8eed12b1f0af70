using System.Diagnostics;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;
using Wilson.Testing;

namespace Wilson.Agents.Tests.Workspaces;

/// <summary>Worktrees, checkpoints and rollback with the real git CLI.</summary>
public sealed class ItemWorktreesTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _directory = new("wilson-worktrees");
    private readonly GitProcess _git = new(TestGit.Environment());
    private ItemWorktrees _worktrees = null!;

    private string Repository => _directory.Path;

    public async Task InitializeAsync()
    {
        await GitAsync(Repository, "init", "--quiet", "--initial-branch=main");
        File.WriteAllText(_directory.Combine("README.md"), "shop\n");
        File.WriteAllText(_directory.Combine(".gitignore"), ".wilson/\n");
        await GitAsync(Repository, "add", "--all");
        await GitAsync(Repository, "commit", "--quiet", "-m", "start");
        _worktrees = new ItemWorktrees(Repository, "main", _git);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("T-12", "Add a /healthz endpoint!", "wilson/T-12-add-a-healthz-endpoint")]
    [InlineData("T-3", "Ünïcode & symbols", "wilson/T-3-n-code-symbols")]
    [InlineData("T-4", "***", "wilson/T-4")]
    [InlineData("T-5", "a very long title that goes on and on and on and on forever", "wilson/T-5-a-very-long-title-that-goes-on-and-on")]
    public void The_branch_is_named_after_key_and_title(string key, string title, string branch) =>
        Assert.Equal(branch, ItemWorktrees.BranchOf(key, title));

    [Fact]
    public async Task Worktrees_added_and_removed_at_the_same_time_in_one_repository_all_succeed()
    {
        // Two instances, as two workers of one project have: what keeps them apart is the repository.
        var other = new ItemWorktrees(Repository, "main", _git);
        for (var round = 0; round < 5; round++)
        {
            var keys = Enumerable.Range(1, 6).Select(i => $"T-{round * 10 + i}").ToList();
            await Task.WhenAll(keys.Select((key, i) => (i % 2 == 0 ? _worktrees : other).EnsureAsync(key, "Parallel work", Ct)));
            // Removing some while adding others: each reads the worktrees the other is writing.
            var adds = keys.Select(key => other.EnsureAsync(key + "b", "More work", Ct));
            var removes = keys.Select(key => _worktrees.RemoveAsync(key, Ct));
            await Task.WhenAll(adds.Concat(removes));
        }

        var list = await GitAsync(Repository, "worktree", "list");
        Assert.Equal(1 + (5 * 6), list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_worktree_waits_while_another_process_adds_or_removes_one_in_the_same_repository()
    {
        // util-linux's flock takes the same kind of lock (flock(2)) as a second Wilson would.
        Directory.CreateDirectory(Path.GetDirectoryName(_worktrees.LockFile)!);
        using var other = Process.Start(new ProcessStartInfo("flock", [_worktrees.LockFile, "-c", "echo held; sleep 1.5"]) { RedirectStandardOutput = true })!;
        Assert.Equal("held", await other.StandardOutput.ReadLineAsync());

        var adding = _worktrees.EnsureAsync("T-1", "Waits its turn", Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(adding.IsCompleted, "the worktree was added while another process held the repository's worktree lock");

        await other.WaitForExitAsync();
        await adding.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(Directory.Exists(_worktrees.PathOf("T-1")));
    }

    [Fact]
    public async Task An_item_gets_its_own_worktree_on_its_own_branch_from_the_default_branch()
    {
        var path = await _worktrees.EnsureAsync("T-1", "Add X", Ct);

        Assert.Equal(Path.Combine(Repository, ".wilson", "worktrees", "T-1"), path);
        Assert.Equal("shop\n", File.ReadAllText(Path.Combine(path, "README.md")));
        Assert.Equal("wilson/T-1-add-x", (await GitAsync(path, "branch", "--show-current")).StandardOutput);
        Assert.Equal(path, await _worktrees.EnsureAsync("T-1", "Add X", Ct));
    }

    [Fact]
    public async Task A_default_branch_without_a_commit_is_a_clear_error()
    {
        using var empty = new TempDirectory("wilson-empty-repo");
        await GitAsync(empty.Path, "init", "--quiet", "--initial-branch=main");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new ItemWorktrees(empty.Path, "main", _git).EnsureAsync("T-1", "x", Ct));

        Assert.Equal("the default branch 'main' has no commit yet: commit the project first (each item's work branches from it)", refused.Message);
    }

    [Fact]
    public async Task Two_items_editing_the_same_path_never_see_each_others_change()
    {
        var one = await _worktrees.EnsureAsync("T-1", "One", Ct);
        var two = await _worktrees.EnsureAsync("T-2", "Two", Ct);

        new WorktreeFiles(one).Write("src/shared.txt", "from T-1\n");
        new WorktreeFiles(two).Write("src/shared.txt", "from T-2\n");
        await _worktrees.CheckpointAsync("T-1", "develop", 1, "write shared", Ct);
        await _worktrees.CheckpointAsync("T-2", "develop", 1, "write shared", Ct);

        Assert.Equal("from T-1\n", File.ReadAllText(Path.Combine(one, "src", "shared.txt")));
        Assert.Equal("from T-2\n", File.ReadAllText(Path.Combine(two, "src", "shared.txt")));
        Assert.False(File.Exists(_directory.Combine("src", "shared.txt")));
    }

    [Fact]
    public async Task A_merge_left_with_conflict_markers_is_not_checkpointed_until_they_are_resolved()
    {
        var path = await _worktrees.EnsureAsync("T-1", "Edit readme", Ct);
        File.WriteAllText(Path.Combine(path, "README.md"), "shop for T-1\n");
        await _worktrees.CheckpointAsync("T-1", "develop", 1, "readme", Ct);
        File.WriteAllText(_directory.Combine("README.md"), "shop on main\n");
        await GitAsync(Repository, "commit", "--quiet", "-am", "main moved");
        Assert.False((await _git.RunAsync(path, ["merge", "--no-commit", "main"], Ct)).Succeeded, "the merge conflicts");

        var unresolved = await _worktrees.UnresolvedAsync(path, Ct);
        var blocked = await _worktrees.CheckpointAsync("T-1", "develop", 2, "did nothing about it", Ct);
        File.WriteAllText(Path.Combine(path, "README.md"), "shop for T-1, on main\n");
        var resolved = await _worktrees.CheckpointAsync("T-1", "develop", 3, "resolved the readme", Ct);

        Assert.Equal(["README.md"], unresolved);
        Assert.Null(blocked);
        Assert.NotNull(resolved);
        var parents = (await GitAsync(path, "rev-list", "--parents", "-n", "1", "HEAD")).StandardOutput.Split(' ');
        Assert.Equal(3, parents.Length);
        Assert.Empty(await _worktrees.UnresolvedAsync(path, Ct));
    }

    [Fact]
    public async Task A_step_that_changed_files_is_a_checkpoint_and_one_that_did_not_is_none()
    {
        var path = await _worktrees.EnsureAsync("T-1", "Add X", Ct);

        var nothing = await _worktrees.CheckpointAsync("T-1", "develop", 1, "read only", Ct);
        File.WriteAllText(Path.Combine(path, "a.txt"), "a\n");
        var first = await _worktrees.CheckpointAsync("T-1", "develop", 2, "wrote a.txt", Ct);
        File.WriteAllText(Path.Combine(path, "b.txt"), "b\n");
        var second = await _worktrees.CheckpointAsync("T-1", "test", 3, "wrote b.txt\nand more", Ct);

        Assert.Null(nothing);
        Assert.Equal("wilson: T-1 develop step 2: wrote a.txt", first!.Message);
        Assert.Equal("wilson: T-1 test step 3: wrote b.txt and more", second!.Message);
        Assert.Equal([second.Commit, first.Commit], (await _worktrees.CheckpointsAsync("T-1", Ct)).Select(c => c.Commit));
    }

    [Fact]
    public async Task Rolling_back_to_a_checkpoint_drops_the_later_work()
    {
        var path = await _worktrees.EnsureAsync("T-1", "Add X", Ct);
        File.WriteAllText(Path.Combine(path, "a.txt"), "first\n");
        var first = await _worktrees.CheckpointAsync("T-1", "develop", 1, "first", Ct);
        File.WriteAllText(Path.Combine(path, "a.txt"), "second\n");
        await _worktrees.CheckpointAsync("T-1", "develop", 2, "second", Ct);
        File.WriteAllText(Path.Combine(path, "untracked.txt"), "not committed\n");

        await _worktrees.RollbackAsync("T-1", first!.Commit[..10], Ct);

        Assert.Equal("first\n", File.ReadAllText(Path.Combine(path, "a.txt")));
        Assert.False(File.Exists(Path.Combine(path, "untracked.txt")));
        Assert.Single(await _worktrees.CheckpointsAsync("T-1", Ct));
    }

    [Fact]
    public async Task Rolling_back_to_something_that_is_not_a_checkpoint_says_which_there_are()
    {
        var path = await _worktrees.EnsureAsync("T-1", "Add X", Ct);
        File.WriteAllText(Path.Combine(path, "a.txt"), "a\n");
        var checkpoint = await _worktrees.CheckpointAsync("T-1", "develop", 1, "a", Ct);
        var mainCommit = (await GitAsync(Repository, "rev-parse", "main")).StandardOutput;

        var error = await Assert.ThrowsAsync<ToolException>(() => _worktrees.RollbackAsync("T-1", mainCommit, Ct));

        Assert.Contains($"is not a checkpoint of T-1; its checkpoints: {checkpoint!.Commit[..10]}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_worktree_keeps_the_branch()
    {
        var path = await _worktrees.EnsureAsync("T-1", "Add X", Ct);
        File.WriteAllText(Path.Combine(path, "a.txt"), "a\n");
        await _worktrees.CheckpointAsync("T-1", "develop", 1, "a", Ct);

        await _worktrees.RemoveAsync("T-1", Ct);

        Assert.False(Directory.Exists(path));
        Assert.True((await GitAsync(Repository, "rev-parse", "--verify", "wilson/T-1-add-x")).Succeeded);
    }

    private async Task<GitResult> GitAsync(string directory, params string[] arguments)
    {
        var result = await _git.RunAsync(directory, arguments, Ct);
        Assert.True(result.Succeeded, $"git {string.Join(' ', arguments)}: {result.StandardError}");
        return result;
    }
}
