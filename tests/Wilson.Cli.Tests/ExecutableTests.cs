using System.Diagnostics;
using Wilson.Testing;

namespace Wilson.Cli.Tests;

/// <summary>The real built <c>wilson</c> run as a child process: exit codes and stderr as a shell sees them.</summary>
public sealed class ExecutableTests
{
    [Fact]
    public async Task Version_PrintsTheVersionAndExitsZero()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await RunWilsonAsync(directory.Path, "--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("0.1.0", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Status_OutsideAProject_ExitsOneWithOneLineAndNoStackTrace()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await RunWilsonAsync(directory.Path, "status");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: not a Wilson project (no .wilson/wilson.yaml here or above): run `wilson init`"], run.ErrorLines);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Init_OutsideGitThenWithGitInit_ExitsOneThenZero()
    {
        using var directory = new TempDirectory("wilson-cli");

        var refused = await RunWilsonAsync(directory.Path, "init");
        var initialised = await RunWilsonAsync(directory.Path, "init", "--git-init");
        var add = await RunWilsonAsync(directory.Path, "item", "add", "From a shell", "-c", "x", "--priority", "0");

        Assert.Equal(1, refused.ExitCode);
        Assert.DoesNotContain(" at ", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.ErrorLines);
        Assert.True(initialised.ExitCode == 0, initialised.ToString());
        Assert.Equal(1, add.ExitCode);
        Assert.Equal(["error: priority: 0 is outside 1-10 (1 is the most urgent)"], add.ErrorLines);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwoWithOneLine()
    {
        using var directory = new TempDirectory("wilson-cli");

        var run = await RunWilsonAsync(directory.Path, "status", "--colour");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--colour", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    private static async Task<CliRun> RunWilsonAsync(string workingDirectory, params string[] args)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(FindWilsonDll());
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment.Remove(GlobalOptions.DatabaseVariable);
        startInfo.Environment["GIT_CEILING_DIRECTORIES"] = Cli.TempRoot;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Cli.Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>wilson.dll is copied next to the tests as a referenced project, with its runtimeconfig.</summary>
    private static string FindWilsonDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "wilson.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build Wilson.Cli");
        Assert.True(File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")), $"{path} has no runtimeconfig.json beside it");
        return path;
    }
}
