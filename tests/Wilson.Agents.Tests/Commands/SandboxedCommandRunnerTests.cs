using System.Net;
using System.Net.Sockets;
using Wilson.Agents.Commands;

namespace Wilson.Agents.Tests.Commands;

/// <summary>Every runner test again under bubblewrap, and what only the sandbox does: no writes outside the worktree, no network.</summary>
public sealed class SandboxedCommandRunnerTests : CommandRunnerTests
{
    // CI installs bubblewrap; a machine where it cannot start a sandbox fails here rather than skipping.
    private static readonly CommandSandbox Bwrap = CommandSandbox.Detect(allowNetwork: false)
        ?? throw new InvalidOperationException($"bubblewrap is not installed or cannot start a sandbox here ({CommandSandbox.DefaultPath}): apt-get install -y bubblewrap");

    protected override CommandSandbox? Sandbox => Bwrap;

    [Fact]
    public async Task Only_the_worktree_is_writable()
    {
        var readOnly = Path.Combine("/var/tmp", $"escaped-{Guid.NewGuid():N}");
        var besideInTmp = Path.Combine(Path.GetDirectoryName(Workspace)!, $"escaped-{Guid.NewGuid():N}");

        var result = await RunAsync($"touch inside && touch '{readOnly}'; echo read-only=$?; touch '{besideInTmp}'");

        Assert.True(File.Exists(Path.Combine(Workspace, "inside")));
        // Everything outside the worktree is read-only...
        Assert.False(File.Exists(readOnly));
        Assert.Contains("read-only=1", result.Output, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", result.Output, StringComparison.Ordinal);
        // ...except a private /tmp that vanishes with the command.
        Assert.False(File.Exists(besideInTmp));
    }

    [Fact]
    public async Task There_is_no_network_unless_allowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var command = $"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' && echo connected || echo no-network";

        var confined = await RunAsync(command);
        var allowed = await new CommandRunner(Workspace, CommandPolicy.Default("main"),
                CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }),
                new CommandSandbox(CommandSandbox.DefaultPath, allowNetwork: true), TimeProvider.System)
            .RunAsync(new CommandRequest { Command = command, WorkingDirectory = Workspace }, null, CancellationToken.None);

        Assert.Contains("no-network", confined.Output, StringComparison.Ordinal);
        Assert.Contains("connected", allowed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("no-network", allowed.Output, StringComparison.Ordinal);
    }
}
