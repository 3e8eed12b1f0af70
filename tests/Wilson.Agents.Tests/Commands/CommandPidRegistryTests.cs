using System.Diagnostics;
using Wilson.Agents.Commands;
using Wilson.Testing;

namespace Wilson.Agents.Tests.Commands;

public sealed class CommandPidRegistryTests : IDisposable
{
    private readonly TempDirectory _directory = new("wilson-pids");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_sweep_kills_what_a_dead_run_left_and_leaves_a_live_ones_commands()
    {
        var registry = new CommandPidRegistry(_directory.Combine("pids"));
        Directory.CreateDirectory(_directory.Combine("pids"));
        using var leftover = Process.Start(new ProcessStartInfo("setsid") { ArgumentList = { "sleep", "1000.321" }, UseShellExecute = false })!;
        using var ours = Process.Start(new ProcessStartInfo("setsid") { ArgumentList = { "sleep", "1000.654" }, UseShellExecute = false })!;
        File.WriteAllText(_directory.Combine("pids", $"{leftover.Id}.pid"), (await DeadProcessIdAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        registry.Record(ours.Id);

        var killed = await registry.SweepAsync(CancellationToken.None);

        Assert.Equal([leftover.Id], killed);
        Assert.True(leftover.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.False(ours.HasExited);
        Assert.False(File.Exists(_directory.Combine("pids", $"{leftover.Id}.pid")));
        ours.Kill();
    }

    [Fact]
    public async Task The_runner_records_a_command_while_it_runs_and_forgets_it_after()
    {
        var registry = new CommandPidRegistry(_directory.Combine("pids"));
        var runner = new CommandRunner(_directory.Path, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System, registry);

        using var background = runner.StartInBackground(new CommandRequest { Command = "sleep 0.5", WorkingDirectory = _directory.Path }, null);
        await Eventually.True(() => Directory.Exists(_directory.Combine("pids")) && Directory.GetFiles(_directory.Combine("pids")).Length > 0,
            "the command was recorded");

        await background.Completion;

        Assert.Empty(Directory.GetFiles(_directory.Combine("pids")));
    }

    // A pid that belonged to a process which has exited: what a crashed Wilson leaves in the files.
    private static async Task<int> DeadProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
