using Wilson.Testing;

namespace Wilson.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output, a chosen working directory and a clean environment.</summary>
internal static class Cli
{
    /// <summary>Long enough for a slow CI machine; anything that waits fails after it rather than hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The system temp folder: git looks for a repository no higher than the test's own directory.</summary>
    public static readonly string TempRoot = Path.GetTempPath().TrimEnd('/');

    public static Task<CliRun> RunAsync(string workingDirectory, params string[] args) =>
        RunWithAsync(workingDirectory, new Dictionary<string, string>(), args);

    public static Task<CliRun> RunWithAsync(string workingDirectory, IReadOnlyDictionary<string, string> variables, params string[] args) =>
        RunInAsync(Environment(workingDirectory, new CapturedWriter(), new CapturedWriter(), variables), args);

    /// <summary>Runs the CLI with its clock at <paramref name="time"/>.</summary>
    public static Task<CliRun> RunAtAsync(string workingDirectory, TimeProvider time, params string[] args) =>
        RunInAsync(Environment(workingDirectory, new CapturedWriter(), new CapturedWriter()) with { Time = time }, args);

    /// <summary><c>wilson serve</c> as a real child process in <paramref name="workingDirectory"/>, with the environment <see cref="Environment"/> gives.</summary>
    public static ChildProcess Serve(string workingDirectory)
    {
        var info = new System.Diagnostics.ProcessStartInfo(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wilson.dll"));
        info.ArgumentList.Add("serve");
        info.Environment.Remove(GlobalOptions.DatabaseVariable);
        info.Environment["GIT_CEILING_DIRECTORIES"] = TempRoot;
        return ChildProcess.Start(info);
    }

    private static async Task<CliRun> RunInAsync(CliEnvironment environment, string[] args)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var exitCode = await WilsonCli.RunAsync(args, environment, timeout.Token);
        return new CliRun(exitCode, ((CapturedWriter)environment.Out).Text, ((CapturedWriter)environment.Error).Text);
    }

    /// <summary>
    /// The process's environment without <c>WILSON_DATABASE</c> (a developer's setting must not leak in),
    /// with git stopped from finding a repository above the test's temp directory.
    /// </summary>
    public static CliEnvironment Environment(
        string workingDirectory, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string>? extraVariables = null)
    {
        var variables = System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);
        variables.Remove(GlobalOptions.DatabaseVariable);
        variables["GIT_CEILING_DIRECTORIES"] = TempRoot;
        foreach (var (name, value) in extraVariables ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            WorkingDirectory = workingDirectory,
            Variables = variables,
        };
    }
}
