using System.Diagnostics;
using Wilson.Core.Events;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Testing.Models;
using Xunit.Abstractions;

namespace Wilson.Cli.Tests;

/// <summary>
/// The whole pipeline under a weak model (issue "Real models", item 6): for each seed, <c>wilson idea ... --wait</c>
/// (or <c>wilson serve</c>) on a small shell project, the roles the seed picks played by a <see cref="WeakModel"/> —
/// junk arguments, unknown tools, broken JSON, endless text, passes it did not earn — and the others by an able model
/// (<see cref="FuzzTeam"/>), and the invariants of <see cref="PipelineInvariants"/> must hold. The CI set is fixed
/// (<see cref="FuzzCase"/>); <c>WILSON_FUZZ_SEEDS=N</c> runs seeds 1..N, <c>WILSON_FUZZ_SEED=k</c> just seed k (through
/// serve too, in the serve test), <c>WILSON_FUZZ_KEEP=dir</c> keeps each run's project there. A broken invariant
/// prints the seed, the protocol, the command that replays it, each item's history, the verdict, the end of the output
/// and the weak model's last plays.
/// </summary>
public sealed class PipelineFuzzTests(ITestOutputHelper output)
{
    /// <summary>Keeps each run's project in this directory, for a person to look at.</summary>
    private const string KeepVariable = "WILSON_FUZZ_KEEP";

    private const string Idea = "add mul to calc.sh with a test in tests/t_mul.sh, and show it in README.md";

    private const int SeedsAtOnce = 3;

    /// <summary>A seed's run ends in seconds; one still going after this is hung, which is itself a failure.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Idea_UnderAWeakModel_KeepsThePipelineInvariants()
    {
        var results = await RunAllAsync(FuzzCase.Seeds().Select(seed => FuzzCase.For(seed)));

        AssertHeld(results);
        if (FuzzCase.ManySeeds)
        {
            AssertCovered(results);
        }
    }

    [Fact]
    public async Task Serve_UnderAWeakModel_KeepsThePipelineInvariants()
    {
        var results = await RunAllAsync(FuzzCase.ServeSeeds().Select(seed => FuzzCase.For(seed, serve: true)));

        AssertHeld(results);
        Assert.All(results, r => Assert.True(
            r.Coverage.Created > 0 && r.Coverage.Merged + r.Coverage.Stuck > 0 && r.Plays.Count > 0, $"the seed did too little to test anything:\n{r.Report()}"));
    }

    // Seeds run side by side: a run mostly waits (retries back off in real time), so three at once cost little more than one.
    private async Task<List<FuzzResult>> RunAllAsync(IEnumerable<FuzzCase> cases)
    {
        using var slots = new SemaphoreSlim(SeedsAtOnce);
        var results = (await Task.WhenAll(cases.Select(async fuzzCase =>
        {
            await slots.WaitAsync();
            try
            {
                return await RunAsync(fuzzCase);
            }
            finally
            {
                slots.Release();
            }
        }))).ToList();
        foreach (var result in results)
        {
            output.WriteLine(results.Count == 1 ? $"{result.Line}\n{result.Report()}" : result.Line);
        }

        return results;
    }

    private static void AssertHeld(List<FuzzResult> results)
    {
        var broken = results.Where(r => r.Violations.Count > 0).ToList();
        Assert.True(broken.Count == 0, $"{broken.Count} of {results.Count} seed(s) broke the pipeline's invariants:\n\n{string.Join("\n\n", broken.Select(r => r.Report()))}");
    }

    // Each invariant is only as good as the runs that reach it: across the seeds, the pipeline must have made,
    // merged and stopped items, hit its bounds, checked passes, and the weak model must have misbehaved in most ways.
    private static void AssertCovered(List<FuzzResult> results)
    {
        var coverage = results.Select(r => r.Coverage).ToList();
        var summary = string.Join('\n', results.Select(r => r.Line));
        Assert.True(coverage.Count(c => c.Created > 0) * 2 >= coverage.Count, $"most seeds should make items:\n{summary}");
        Assert.True(coverage.Sum(c => c.Merged) > 0 && coverage.Sum(c => c.MergeCommits) > 0, $"no seed merged anything, so no merge was tested:\n{summary}");
        Assert.True(coverage.Sum(c => c.Stuck) > 0, $"no seed blocked or failed an item:\n{summary}");
        Assert.True(coverage.Sum(c => c.OutOfBudget) > 0, $"no item reached its token budget:\n{summary}");
        Assert.True(coverage.Any(c => c.AtMaxItems), $"no plan reached planning.max_items:\n{summary}");
        Assert.True(coverage.Sum(c => c.CheckedPasses) > 0, $"no tester, reviewer, security or docs pass had its evidence checked:\n{summary}");
        var behaviours = coverage.SelectMany(c => c.Behaviours).ToHashSet(StringComparer.Ordinal);
        Assert.True(behaviours.Count >= 10, $"the weak model played only {string.Join(", ", behaviours)}:\n{summary}");
        Assert.True(results.Any(r => r.Run.ExitCode == 0) && results.Any(r => r.Run.ExitCode == 1), $"every seed ended alike:\n{summary}");
        Assert.True(results.Any(r => r.Plays.Any(p => p.InText)), $"no seed played the weak model on the text protocol:\n{summary}");
        Assert.Equal(["anthropic", "ollama", "openai"], results.Select(r => r.Case.Protocol).Distinct().Order(StringComparer.Ordinal));
    }

    private static async Task<FuzzResult> RunAsync(FuzzCase fuzzCase)
    {
        await using var server = await FakeModelServer.StartAsync(FuzzTeam.Script(fuzzCase));
        using var project = await FuzzProject.CreateAsync(fuzzCase, server.BaseUri);
        var run = fuzzCase.Serve ? await ServeAsync(project) : await IdeaAsync(project);
        using var reading = new CancellationTokenSource(Cli.Timeout);
        var record = await PipelineRecord.ReadAsync(project, reading.Token);
        var violations = await PipelineInvariants.CheckAsync(fuzzCase, project, run, record, reading.Token);
        var merges = (await GitRunner.RunAsync(project.Path, "rev-list", "--merges", "--first-parent", FuzzProject.Branch)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var plays = server.WeakModelLog;
        if (Environment.GetEnvironmentVariable(KeepVariable) is { Length: > 0 } keep)
        {
            // For a person replaying a seed: the project as the run left it (the repository, .wilson/wilson.db, the worktrees).
            Copy(project.Path, Path.Combine(keep, $"seed-{fuzzCase.Seed}{(fuzzCase.Serve ? "-serve" : "")}"));
        }

        return new FuzzResult(fuzzCase, run, violations, FuzzCoverage.Of(record, plays, merges), record.History(), plays);
    }

    private static async Task<FuzzRun> IdeaAsync(FuzzProject project)
    {
        var stdout = new CapturedWriter();
        var stderr = new CapturedWriter();
        using var timeout = new CancellationTokenSource(RunTimeout);
        var clock = Stopwatch.StartNew();
        var exitCode = await WilsonCli.RunAsync(["idea", Idea, "--wait"], Cli.Environment(project.Path, stdout, stderr), timeout.Token);
        return new FuzzRun(exitCode, stdout.Text, stderr.Text, timeout.IsCancellationRequested, clock.Elapsed);
    }

    // The idea is added without --wait; serve works it until the plan settles (everything in it done or waiting for a
    // person, nothing Ready or Running), watched in the store; then it is stopped as Ctrl+C would.
    private static async Task<FuzzRun> ServeAsync(FuzzProject project)
    {
        var added = await Cli.RunAsync(project.Path, "idea", Idea);
        Assert.True(added.ExitCode == 0, added.ToString());
        var stdout = new CapturedWriter();
        var stderr = new CapturedWriter();
        using var stop = new CancellationTokenSource(RunTimeout + TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        var serve = Task.Run(() => WilsonCli.RunAsync(["serve"], Cli.Environment(project.Path, stdout, stderr), stop.Token));
        using var watching = new CancellationTokenSource(RunTimeout);
        var settling = SettledAsync(project, watching.Token);

        // Serve ending by itself before the plan settles is a crash; the run's checks say so.
        await Task.WhenAny(settling, serve);
        await watching.CancelAsync();
        var settled = await settling;
        await stop.CancelAsync();
        var exitCode = await serve;
        return new FuzzRun(exitCode, added.Stdout + stdout.Text, added.Stderr + stderr.Text, !settled, clock.Elapsed);
    }

    /// <summary>Waits for the store to show every item done or waiting for a person (or held by one that is); false when cancelled first.</summary>
    private static async Task<bool> SettledAsync(FuzzProject project, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var store = await PipelineRecord.OpenAsync(project, deadline.Token);
        var found = (await store.FindProjectAsync(project.Name, deadline.Token))!;
        var asked = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var e in store.WatchEventsAsync(new EventQuery { ProjectId = found.Id }, deadline.Token))
            {
                if (e.Type == EventTypes.ApprovalRequired)
                {
                    asked.Add(e.ItemKey!);
                }
                else if (e.Type is EventTypes.ItemApproved or EventTypes.ItemRejected or EventTypes.ItemTransitioned)
                {
                    asked.Remove(e.ItemKey!);
                }

                if (e.Type is EventTypes.ItemTransitioned or EventTypes.ItemCreated or EventTypes.ApprovalRequired)
                {
                    var items = (await store.ListItemsAsync(found.Id, ItemQuery.All, deadline.Token)).Items;
                    bool Waits(WorkItem item) =>
                        item.Status is WorkStatus.Blocked or WorkStatus.Failed or WorkStatus.Cancelled || (item.Status == WorkStatus.AwaitingApproval && asked.Contains(item.Key));
                    if (items.All(i => i.Status == WorkStatus.Done || Waits(i) || PipelineRecord.HeldBy(i, items, Waits) is not null))
                    {
                        return true;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Not settled in time.
        }

        return false;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
