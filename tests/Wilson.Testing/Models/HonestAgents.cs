namespace Wilson.Testing.Models;

/// <summary>
/// Turns for agents that do their job the plainest honest way, after a test's own turns: a developer changes a
/// file, a tester runs the tests, a reviewer, security or docs agent reads the change, and each passes once it
/// has (Wilson does not count a pass without that evidence); a planner refining an item passes at once.
/// </summary>
public static class HonestAgents
{
    public static IReadOnlyList<ScriptedTurn> Turns(string summary = "done") =>
    [
        Turn("diff --git", "finish", $$"""{"result":"pass","summary":"{{summary}}"}"""),
        Turn("no changes", "finish", $$"""{"result":"pass","summary":"{{summary}}"}"""),
        Turn("exit 0", "finish", $$"""{"result":"pass","summary":"{{summary}}"}"""),
        Turn("you are the developer", "run_command", """{"command":"echo change >> work.txt"}"""),
        Turn("you are the tester", "run_tests", "{}"),
        Turn("you are the reviewer", "git_diff", "{}"),
        Turn("you are the security", "git_diff", "{}"),
        Turn("you are the docs", "git_diff", "{}"),
        Turn("you are the planner", "finish", $$"""{"result":"pass","summary":"{{summary}}"}"""),
    ];

    private static ScriptedTurn Turn(string whenContains, string tool, string arguments) =>
        new() { WhenContains = whenContains, ToolCalls = [new ScriptedToolCall(tool, arguments)] };
}
