using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Verification;
using Wilson.Core.Items;
using Wilson.Testing;

namespace Wilson.Agents.Tests.Verification;

/// <summary>Verification steps in a real git repository with real commands.</summary>
public sealed class VerifierTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("wilson-verify");
    private readonly GitProcess _git = new(TestGit.Environment());

    private string Worktree => _directory.Path;

    public async Task InitializeAsync()
    {
        await _git.RunAsync(Worktree, ["init", "--quiet", "--initial-branch=main"], CancellationToken.None);
        File.WriteAllText(_directory.Combine("app.sh"), "add() { echo $(($1 + $2)); }\n");
        File.WriteAllText(_directory.Combine("test.sh"), ". ./app.sh\n[ \"$(add 2 2)\" = 4 ] && echo ok || { echo 'add 2 2 is not 4'; exit 1; }\n");
        await _git.RunAsync(Worktree, ["add", "--all"], CancellationToken.None);
        await _git.RunAsync(Worktree, ["commit", "--quiet", "-m", "start"], CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private Verifier Verifier(string testCommand = "sh test.sh") => new(
        Worktree,
        new CommandRunner(Worktree, CommandPolicy.Default("main"),
            CommandEnvironment.Scrub(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }), null, TimeProvider.System),
        _git,
        testCommand);

    [Fact]
    public async Task Every_kind_of_step_passes_on_a_finished_item()
    {
        var report = await Verifier().RunAsync(
        [
            new VerificationStep("file_exists", "app.sh"),
            new VerificationStep("file_contains", "app.sh", "add()"),
            new VerificationStep("command_succeeds", "sh -n app.sh"),
            new VerificationStep("tests_pass"),
            new VerificationStep("git_clean"),
        ], CancellationToken.None);

        Assert.True(report.Passed, report.Summary());
        Assert.Equal(5, report.Checks.Count);
        Assert.Contains("ok", report.Checks[3].OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_steps_all_appear_in_the_report_with_why()
    {
        File.WriteAllText(_directory.Combine("app.sh"), "add() { echo $(($1 - $2)); }\n");

        var report = await Verifier().RunAsync(
        [
            new VerificationStep("file_exists", "src/missing.py"),
            new VerificationStep("file_contains", "app.sh", "multiply"),
            new VerificationStep("tests_pass"),
            new VerificationStep("git_clean"),
            new VerificationStep("file_exists", "../outside"),
            new VerificationStep("command_succeeds", "sudo true"),
        ], CancellationToken.None);

        Assert.False(report.Passed);
        Assert.All(report.Checks, c => Assert.False(c.Passed));
        Assert.Equal(
            """
            FAIL file_exists src/missing.py: src/missing.py does not exist
            FAIL file_contains app.sh: app.sh does not contain "multiply"
            FAIL tests_pass: `sh test.sh` exited 1
            FAIL git_clean: uncommitted changes
            FAIL file_exists ../outside: ../outside leads outside the worktree: give a path inside it
            FAIL command_succeeds sudo true: `sudo true`: refused: it asks for root; Wilson's agents run without it
            """.ReplaceLineEndings("\n"),
            report.Summary());
        Assert.Contains("add 2 2 is not 4", report.Checks[2].OutputTail, StringComparison.Ordinal);
        Assert.Contains("app.sh", report.Checks[3].OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tests_fail_holds_only_while_the_tests_fail_and_not_when_they_cannot_run()
    {
        var green = await Verifier().RunAsync([new VerificationStep("tests_fail")], CancellationToken.None);
        File.WriteAllText(_directory.Combine("app.sh"), "add() { echo 5; }\n");
        var red = await Verifier().RunAsync([new VerificationStep("tests_fail")], CancellationToken.None);
        var missing = await Verifier(testCommand: "no-such-test-runner").RunAsync([new VerificationStep("tests_fail")], CancellationToken.None);

        Assert.Equal("FAIL tests_fail: `sh test.sh` exited 0, but the tests must fail before the code is written", green.Summary());
        Assert.Equal("PASS tests_fail: `sh test.sh` exited 1: the tests fail, as they must first", red.Summary());
        Assert.Equal("FAIL tests_fail: `no-such-test-runner` exited 127", missing.Summary());
    }

    [Fact]
    public async Task Tests_pass_without_a_test_command_says_where_to_set_it()
    {
        var report = await Verifier(testCommand: "").RunAsync([new VerificationStep("tests_pass")], CancellationToken.None);

        Assert.Equal("FAIL tests_pass: no test command is configured (project.test_command in .wilson/wilson.yaml)", report.Summary());
    }

    [Fact]
    public void Criteria_that_name_a_command_or_a_file_become_steps()
    {
        var steps = CriteriaSteps.From(
        [
            "`make test` passes",
            "`src/health.py` exists and `README.md` mentions it",
            "GET /healthz returns 200",
            "`make` is mentioned",
            "`make test` passes again",
        ]);

        Assert.Equal(
        [
            new VerificationStep("command_succeeds", "make test"),
            new VerificationStep("file_exists", "src/health.py"),
            new VerificationStep("file_exists", "README.md"),
        ], steps);
    }
}
