using Wilson.Agents.Git;

namespace Wilson.Cli.Tests;

/// <summary>Runs the real git for test set-up through the CLI's own <see cref="GitProcess"/>, failing the test when git fails.</summary>
internal static class GitRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var git = new GitProcess(Cli.Environment(workingDirectory, TextWriter.Null, TextWriter.Null).Variables);
        var result = await git.RunAsync(workingDirectory, arguments, timeout.Token);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
        }

        return result.StandardOutput;
    }
}
