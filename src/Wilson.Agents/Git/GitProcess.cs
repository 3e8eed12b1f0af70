using System.ComponentModel;
using System.Diagnostics;

namespace Wilson.Agents.Git;

/// <summary>Runs the real <c>git</c> executable, with the CLI's environment and no standard input.</summary>
public sealed class GitProcess(IReadOnlyDictionary<string, string> environment)
{
    /// <summary>Runs git with the arguments in the directory; a failing git command is a result, not an exception.</summary>
    public async Task<GitResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run git ({ex.Message}): Wilson needs git installed and on PATH", ex);
        }

        process.StandardInput.Close();
        using var kill = cancellationToken.Register(() => KillQuietly(process));
        var standardOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var standardError = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new GitResult(process.ExitCode, (await standardOutput).Trim(), (await standardError).Trim());
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
    }
}
