using System.Diagnostics;

namespace Wilson.Agents.Commands;

/// <summary>
/// Runs commands under bubblewrap: the whole file system read-only except the worktree (and a private
/// /tmp), and no network unless the project allows it. Used where <c>bwrap</c> is installed and works.
/// </summary>
public sealed class CommandSandbox(string bwrapPath, bool allowNetwork)
{
    public const string DefaultPath = "/usr/bin/bwrap";

    public bool AllowNetwork { get; } = allowNetwork;

    /// <summary>The sandbox, if <c>bwrap</c> is installed here and can start one (it may not, in some containers); else null.</summary>
    public static CommandSandbox? Detect(bool allowNetwork, string bwrapPath = DefaultPath)
    {
        if (!File.Exists(bwrapPath))
        {
            return null;
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo(bwrapPath)
            {
                ArgumentList = { "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net", "--", "true" },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (probe is null || !probe.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                return null;
            }

            return probe.ExitCode == 0 ? new CommandSandbox(bwrapPath, allowNetwork) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The program and arguments that run <paramref name="program"/> (its argv) in <paramref name="directory"/>, confined to <paramref name="workspace"/>.</summary>
    public IReadOnlyList<string> Wrap(string workspace, string directory, IReadOnlyList<string> program)
    {
        List<string> arguments =
        [
            bwrapPath,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            // A private /tmp first, then the worktree bound writable (it may itself live under /tmp).
            "--tmpfs", "/tmp",
            "--bind", workspace, workspace,
            // No --die-with-parent: its death signal follows the thread that started bwrap, and .NET
            // starts processes from pool threads that come and go. The runner kills the whole process
            // group instead, sandbox included.
            "--chdir", directory,
        ];
        if (!AllowNetwork)
        {
            arguments.Add("--unshare-net");
        }

        arguments.Add("--");
        arguments.AddRange(program);
        return arguments;
    }
}
