using System.Diagnostics;
using Wilson.Agents.Commands;
using Wilson.Testing;

namespace Wilson.Bench;

/// <summary>
/// The command runner beside a bare Process.Start: what starting a command costs, how soon a hung
/// tree is gone after its deadline, and the memory 100 MB of output takes.
/// </summary>
internal static class CommandsBench
{
    private const int StartRuns = 300;
    private const int WarmUpRuns = 200;
    private const int KillRuns = 30;
    private const double StartTarget = 1.2;
    private const double KillTargetMs = 100;
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(200);

    public static async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("== Commands: the runner (posix_spawn in a new session, no sandbox) against a bare Process.Start");
        using var workspace = new TempDirectory("wilson-bench-commands");
        var environment = CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! });
        var runner = new CommandRunner(workspace.Path, CommandPolicy.Default("main"), environment, sandbox: null, TimeProvider.System);
        var request = new CommandRequest { Command = "true", WorkingDirectory = workspace.Path };

        // Long enough for tiered compilation to settle both paths: a server runs commands for hours.
        for (var i = 0; i < WarmUpRuns; i++)
        {
            await runner.RunAsync(request, null, cancellationToken);
            await BareAsync();
        }

        var runnerTimes = new List<double>();
        var bareTimes = new List<double>();
        for (var i = 0; i < StartRuns; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await runner.RunAsync(request, null, cancellationToken);
            runnerTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await BareAsync();
            bareTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var runnerMedian = Median(runnerTimes);
        var bareMedian = Median(bareTimes);
        var ratio = runnerMedian / bareMedian;
        Console.WriteLine($"start -> exit of `true`: runner {runnerMedian:0.00} ms, bare Process.Start {bareMedian:0.00} ms (medians of {StartRuns}), ratio {ratio:0.00}");
        report.Add(new ReportRow("Commands", "start->exit of `true`, runner / bare Process.Start (ms)", $"{runnerMedian:0.00} / {bareMedian:0.00}"));
        report.Add(new ReportRow("Commands", "start->exit ratio", $"{ratio:0.00}", $"<= {StartTarget:0.0}", ratio <= StartTarget));

        // For the record, not a target: a line that needs the shell pays for starting one.
        var shellRequest = request with { Command = "true; true" };
        var shellTimes = new List<double>();
        for (var i = 0; i < StartRuns / 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await runner.RunAsync(shellRequest, null, cancellationToken);
            shellTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Console.WriteLine($"start -> exit of `true; true` (through sh): runner {Median(shellTimes):0.00} ms, {Median(shellTimes) / bareMedian:0.00} x bare `true`");
        report.Add(new ReportRow("Commands", "start->exit of a shell line `true; true` / bare `true`", $"{Median(shellTimes) / bareMedian:0.00}"));

        var late = new List<double>();
        var survivors = 0;
        for (var i = 0; i < KillRuns; i++)
        {
            var marker = $"1000.{Random.Shared.Next(100_000, 999_999)}";
            var result = await runner.RunAsync(new CommandRequest
            {
                Command = $"sh -c 'sh -c \"sleep {marker}\"'",
                WorkingDirectory = workspace.Path,
                Limits = new CommandLimits { Deadline = Deadline },
            }, null, cancellationToken);
            late.Add((result.Duration - Deadline).TotalMilliseconds);
            survivors += ProcessTable.WithCommandLine(marker).Count;
        }

        late.Sort();
        var p99 = late[(int)Math.Ceiling(0.99 * late.Count) - 1];
        Console.WriteLine($"3-level tree (sh -> sh -> sleep) gone after its deadline: p50 {late[late.Count / 2]:0} ms, p99 {p99:0} ms; surviving processes: {survivors}");
        report.Add(new ReportRow("Commands", "tree gone after deadline p99 ms (surviving pids)", $"{p99:0} ({survivors})",
            $"<= {KillTargetMs:0} ms, 0 left", p99 <= KillTargetMs && survivors == 0));

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5, CancellationToken.None);
            }
        }, CancellationToken.None);
        var big = await runner.RunAsync(new CommandRequest { Command = "head -c 100000000 /dev/zero | tr '\\0' x", WorkingDirectory = workspace.Path }, null, cancellationToken);
        await sampling.CancelAsync();
        await sampler;
        var held = (peak - before) / (1024.0 * 1024.0);
        Console.WriteLine($"100 MB of output: {big.OutputBytes:N0} bytes read, {big.Output.Length:N0} characters kept, managed heap grew by at most {held:0.0} MB");
        report.Add(new ReportRow("Commands", "100 MB of output: kept chars / heap growth MB", $"{big.Output.Length:N0} / {held:0.0}",
            "kept <= 64 KB", big.OutputBytes >= 100_000_000 && big.Output.Length <= 64 * 1024 + 200));
    }

    private static async Task BareAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
