using System.Diagnostics;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;
using Wilson.Core.Items;

namespace Wilson.Agents.Verification;

/// <summary>
/// Runs an item's verification steps mechanically in its worktree, after the developer says it passed:
/// <c>file_exists</c>, <c>file_contains</c>, <c>command_succeeds</c>, <c>tests_pass</c> (the project's test
/// command) and <c>git_clean</c>. Every step runs, so the report says everything that is wrong at once.
/// </summary>
public sealed class Verifier(string worktree, CommandRunner runner, GitProcess git, string testCommand, CommandLimits? limits = null)
{
    private const int TailCharacters = 2_000;
    private const string NoTestCommand = "no test command is configured (project.test_command in .wilson/wilson.yaml)";

    private readonly WorktreeFiles _files = new(worktree);

    public async Task<VerificationReport> RunAsync(IReadOnlyList<VerificationStep> steps, CancellationToken cancellationToken)
    {
        var checks = new List<VerificationCheck>(steps.Count);
        foreach (var step in steps)
        {
            var started = Stopwatch.GetTimestamp();
            var (passed, detail, output) = await CheckAsync(step, cancellationToken);
            checks.Add(new VerificationCheck(step, passed, detail, Tail(output), Stopwatch.GetElapsedTime(started)));
        }

        return new VerificationReport(checks);
    }

    private async Task<(bool Passed, string Detail, string Output)> CheckAsync(VerificationStep step, CancellationToken cancellationToken)
    {
        try
        {
            return step.Kind switch
            {
                "file_exists" => Exists(Required(step)),
                "file_contains" => Contains(Required(step), step.Expected ?? ""),
                "command_succeeds" => await CommandAsync(Required(step), cancellationToken),
                "tests_pass" => string.IsNullOrWhiteSpace(testCommand)
                    ? (false, NoTestCommand, "")
                    : await CommandAsync(testCommand, cancellationToken),
                "tests_fail" => string.IsNullOrWhiteSpace(testCommand)
                    ? (false, NoTestCommand, "")
                    : await TestsFailAsync(cancellationToken),
                "git_clean" => await CleanAsync(cancellationToken),
                _ => (false, $"unknown step '{step.Kind}' (known: {string.Join(", ", VerificationStep.Kinds)})", ""),
            };
        }
        catch (ToolException ex)
        {
            return (false, ex.Message, "");
        }
    }

    private static string Required(VerificationStep step) =>
        string.IsNullOrWhiteSpace(step.Argument) ? throw new ToolException($"{step.Kind} needs an argument (a path or a command)") : step.Argument;

    private (bool, string, string) Exists(string path)
    {
        var full = _files.Resolve(path);
        return File.Exists(full) || Directory.Exists(full) ? (true, "exists", "") : (false, $"{path} does not exist", "");
    }

    private (bool, string, string) Contains(string path, string expected)
    {
        var text = _files.Read(path);
        return text.Contains(expected, StringComparison.Ordinal)
            ? (true, $"contains \"{expected}\"", "")
            : (false, $"{path} does not contain \"{expected}\"", "");
    }

    private async Task<(bool, string, string)> CommandAsync(string command, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(
            new CommandRequest { Command = command, WorkingDirectory = worktree, Limits = limits ?? new CommandLimits() }, null, cancellationToken);
        var detail = result.Outcome switch
        {
            CommandOutcome.Exited when result.ExitCode == 0 => $"`{command}` exited 0",
            CommandOutcome.Exited => $"`{command}` exited {result.ExitCode}",
            _ => $"`{command}`: {result.Reason}",
        };
        return (result.Succeeded, detail, result.Output);
    }

    // Red in test-first work: the new tests must exist and fail; a run that cannot even start is not a failing test.
    private async Task<(bool, string, string)> TestsFailAsync(CancellationToken cancellationToken)
    {
        var (passed, detail, output) = await CommandAsync(testCommand, cancellationToken);
        return passed
            ? (false, $"{detail}, but the tests must fail before the code is written", output)
            : detail.Contains("exited", StringComparison.Ordinal) && !detail.EndsWith("exited 127", StringComparison.Ordinal)
                ? (true, $"{detail}: the tests fail, as they must first", output)
                : (false, detail, output);
    }

    private async Task<(bool, string, string)> CleanAsync(CancellationToken cancellationToken)
    {
        var status = await git.RunAsync(worktree, ["status", "--porcelain"], cancellationToken);
        return !status.Succeeded ? (false, $"git status failed: {status.StandardError}", "")
            : status.StandardOutput.Length == 0 ? (true, "nothing uncommitted", "")
            : (false, "uncommitted changes", status.StandardOutput);
    }

    private static string Tail(string output) => output.Length <= TailCharacters ? output : "..." + output[^TailCharacters..];
}
