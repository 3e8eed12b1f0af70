using System.Text.RegularExpressions;
using Wilson.Testing;
using Wilson.Testing.Models;
using Xunit.Abstractions;

namespace Wilson.Cli.Tests;

/// <summary>
/// Two <c>wilson serve</c> processes (real child processes) on one project, one database and one repository, as a
/// person who started a second by mistake, or a team's second machine, would have: the items are shared between
/// them, no worktree is added over another's half-written one, and each item is merged exactly once.
/// </summary>
public sealed partial class TwoServesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Items = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private FakeModelServer _server = null!;
    private TempGitRepository _repository = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        for (var i = 1; i <= Items; i++)
        {
            // The write's result first: the briefing is still in the conversation when it comes.
            script.Turns.Add(new ScriptedTurn { WhenContains = $"wrote item{i}.txt", ToolCalls = [new ScriptedToolCall("finish", """{"result":"pass","summary":"written"}""")] });
            script.Turns.Add(new ScriptedTurn
            {
                WhenContains = $"T-{i} Item {i}\nStage: develop",
                ToolCalls = [new ScriptedToolCall("write_file", $$"""{"path":"item{{i}}.txt","content":"{{i}}\n"}""")],
            });
        }

        _server = await FakeModelServer.StartAsync(script);
        _repository = await QuickProject.CreateAsync("shared", _server.BaseUri, "5s");
    }

    public async Task DisposeAsync()
    {
        _repository.Dispose();
        await _server.DisposeAsync();
    }

    private ChildProcess Serve() => Cli.Serve(_repository.Path);

    [Fact]
    public async Task Two_serves_on_one_project_share_its_items_and_merge_each_exactly_once()
    {
        await using var first = Serve();
        await using var second = Serve();
        foreach (var serve in new[] { first, second })
        {
            await serve.WaitForLineAsync(line => line.Contains("Agents work the Ready items", StringComparison.Ordinal), Patience);
        }

        // Added once both wait, so both wake to the same items.
        for (var i = 1; i <= Items; i++)
        {
            Assert.Equal(0, (await Cli.RunAsync(_repository.Path, "item", "add", $"Item {i}", "-c", $"item{i}.txt says {i}")).ExitCode);
        }

        // Every serve shows every event of the project, whichever process wrote it; they come in any order.
        var done = new HashSet<string>(StringComparer.Ordinal);
        await first.WaitForLineAsync(line =>
        {
            if (line.Contains("-> Done at done", StringComparison.Ordinal) && ItemKey().Match(line) is { Success: true } key)
            {
                done.Add(key.Value);
            }

            return done.Count == Items;
        }, Patience);

        await first.KillAsync();
        await second.KillAsync();

        var merges = (await GitRunner.RunAsync(_repository.Path, "log", "--format=%s", "main")).Split('\n');
        for (var i = 1; i <= Items; i++)
        {
            Assert.Equal(1, merges.Count(m => m.StartsWith($"wilson: merge T-{i} ", StringComparison.Ordinal)));
            Assert.Equal($"{i}\n", File.ReadAllText(_repository.Combine($"item{i}.txt")));
        }

        var executions = await Cli.RunAsync(_repository.Path, "events", "--type", "execution.finished");
        Assert.DoesNotContain("worktree", executions.Stdout, StringComparison.Ordinal);
        Assert.Equal(Items, executions.Stdout.Split('\n').Count(line => line.Contains("result=Pass", StringComparison.Ordinal)));
        var merged = await Cli.RunAsync(_repository.Path, "events", "--type", "item.merged");
        Assert.Equal(Items, merged.Stdout.Split('\n').Count(line => line.Contains("item.merged", StringComparison.Ordinal)));
        var claims = await Cli.RunAsync(_repository.Path, "events", "--text", "claimed by");
        output.WriteLine(claims.Stdout);
        Assert.All(first.Errors.Concat(second.Errors), line => Assert.DoesNotMatch("^(fail|crit):", line));
    }

    [GeneratedRegex(@"\bT-\d+\b")]
    private static partial Regex ItemKey();
}
