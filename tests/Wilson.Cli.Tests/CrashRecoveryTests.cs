using System.Diagnostics;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// kill -9 of <c>wilson serve</c> (a real child process) while two workers are busy, each with a command
/// running and a checkpoint committed. The next <c>wilson serve</c> kills the orphaned commands, takes the
/// items back when their leases expire, resumes them from their worktrees, and merges each exactly once:
/// no commit lost, nothing merged twice.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _marker = $"1000.{Random.Shared.Next(100_000, 999_999)}";
    private FakeModelServer _server = null!;
    private TempGitRepository _repository = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Turns.AddRange(
        [
            // First run of each item: write a file (a checkpoint), then a command that outlives the crash.
            new ScriptedTurn { WhenContains = "wrote one.txt", ToolCalls = [new ScriptedToolCall("run_command", $$"""{"command":"sleep {{_marker}}"}""")], Once = true },
            new ScriptedTurn { WhenContains = "wrote two.txt", ToolCalls = [new ScriptedToolCall("run_command", $$"""{"command":"sleep {{_marker}}"}""")], Once = true },
            new ScriptedTurn { WhenContains = "T-1 One\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"one.txt","content":"one\n"}""")], Once = true },
            new ScriptedTurn { WhenContains = "T-2 Two\nStage: develop", ToolCalls = [new ScriptedToolCall("write_file", """{"path":"two.txt","content":"two\n"}""")], Once = true },

            // After the restart: the files are there from the checkpoint; the agents finish.
            new ScriptedTurn { WhenContains = "Stage: develop", ToolCalls = [new ScriptedToolCall("read_file", """{"path":"README.md"}""")] },
            new ScriptedTurn { WhenContains = "a small project", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"resumed and finished"}""")] },
        ]);
        _server = await FakeModelServer.StartAsync(script);

        _repository = await QuickProject.CreateAsync("crashy", _server.BaseUri, "3s");
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "One", "-c", "one.txt says one")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", "Two", "-c", "two.txt says two")).ExitCode);
    }

    public async Task DisposeAsync()
    {
        foreach (var pid in ProcessTable.WithCommandLine(_marker))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }

        _repository.Dispose();
        await _server.DisposeAsync();
    }

    private ChildProcess Serve() => Cli.Serve(_repository.Path);

    [Fact]
    public async Task Killed_mid_work_nothing_is_lost_and_nothing_is_merged_twice()
    {
        await using (var first = Serve())
        {
            // Killed as soon as both run, recorded or not: a command not yet recorded is found by its Wilson's mark.
            await Eventually.True(() => ProcessTable.WithCommandLine(_marker).Count >= 2, "both items' commands run", Patience);
            await first.CrashAsync();
        }

        // kill -9 left the commands running, and each item's checkpoint committed.
        Assert.Equal(2, ProcessTable.WithCommandLine(_marker).Count);
        foreach (var (key, file) in new[] { ("T-1", "one.txt"), ("T-2", "two.txt") })
        {
            var log = await GitRunner.RunAsync(_repository.Combine(".wilson", "worktrees", key), "log", "--format=%s", "main..HEAD");
            Assert.Contains($"wilson: {key} develop step 1: write_file", log, StringComparison.Ordinal);
            Assert.True(File.Exists(_repository.Combine(".wilson", "worktrees", key, file)));
        }

        await using (var second = Serve())
        {
            await Eventually.True(() => ProcessTable.WithCommandLine(_marker).Count == 0, "the orphaned commands are killed at start", Patience);
            await second.WaitForLineAsync(line => line.Contains("T-1", StringComparison.Ordinal) && line.Contains("-> Done at done", StringComparison.Ordinal), Patience);
            await second.WaitForLineAsync(line => line.Contains("T-2", StringComparison.Ordinal) && line.Contains("-> Done at done", StringComparison.Ordinal), Patience);
            await second.KillAsync();
        }

        Assert.Equal("one\n", File.ReadAllText(_repository.Combine("one.txt")));
        Assert.Equal("two\n", File.ReadAllText(_repository.Combine("two.txt")));
        var merges = (await GitRunner.RunAsync(_repository.Path, "log", "--format=%s", "main")).Split('\n');
        Assert.Equal(1, merges.Count(m => m.StartsWith("wilson: merge T-1", StringComparison.Ordinal)));
        Assert.Equal(1, merges.Count(m => m.StartsWith("wilson: merge T-2", StringComparison.Ordinal)));
        var events = await Cli.RunAsync(_repository.Path, "events");
        Assert.Contains("lease of", events.Stdout, StringComparison.Ordinal);
        Assert.Contains("expired (attempt 1 of 3)", events.Stdout, StringComparison.Ordinal);
    }
}
