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

    [Fact]
    public async Task The_sweep_kills_a_command_its_dead_Wilson_never_recorded_and_leaves_live_and_foreign_ones()
    {
        var registry = new CommandPidRegistry(_directory.Combine("pids"));
        var other = new CommandPidRegistry(_directory.Combine("other-pids"));
        var deadOwner = await DeadProcessIdAsync();
        using var unrecorded = Marked("1000.111", registry.Mark(deadOwner, 4242));
        // The pid of a Wilson that is gone, now taken by a process that started later: the start time tells them apart.
        using var reusedPid = Marked("1000.222", registry.Mark(Environment.ProcessId, 1));
        using var live = Marked("1000.333", registry.OwnerMark);
        using var foreign = Marked("1000.444", other.Mark(deadOwner, 4242));

        var killed = await registry.SweepAsync(CancellationToken.None);

        Assert.Equal([unrecorded.Id, reusedPid.Id], killed.Order());
        Assert.True(unrecorded.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.True(reusedPid.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.False(live.HasExited);
        Assert.False(foreign.HasExited);
        live.Kill();
        foreign.Kill();
    }

    [Fact]
    public async Task The_runners_commands_carry_their_Wilsons_mark()
    {
        var registry = new CommandPidRegistry(_directory.Combine("pids"));
        var runner = new CommandRunner(_directory.Path, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System, registry);

        var result = await runner.RunAsync(new CommandRequest { Command = $"printenv {CommandPidRegistry.OwnerVariable}", WorkingDirectory = _directory.Path }, null, CancellationToken.None);

        Assert.Equal(registry.OwnerMark, result.Output.Trim());
        Assert.StartsWith($"{Environment.ProcessId}:", registry.OwnerMark, StringComparison.Ordinal);
        Assert.EndsWith($":{_directory.Combine("pids")}", registry.OwnerMark, StringComparison.Ordinal);
    }

    // A command in its own session, marked as a Wilson marks it.
    private static Process Marked(string seconds, string mark)
    {
        var start = new ProcessStartInfo("setsid") { ArgumentList = { "sleep", seconds }, UseShellExecute = false };
        start.Environment[CommandPidRegistry.OwnerVariable] = mark;
        return Process.Start(start)!;
    }

    // A pid that belonged to a process which has exited: what a crashed Wilson leaves in the files.
    private static async Task<int> DeadProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
