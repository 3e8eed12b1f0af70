using System.Globalization;
using System.Text.Json;
using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// The models of a fuzz run: a weak one (the fake server's <see cref="WeakModel"/>, which has no scripted turns) for the
/// purposes the case gives it, and an able one for the rest, whose turns do each job the plainest honest way
/// (<see cref="HonestAgents"/>) and, as a planner, make the case's number of items: two trivial ones (their test,
/// security and docs stages pass by their checks), one that depends on the first, a standard one, and a fifth that the
/// plan has no room for. Real teams mix models like this (the mid profile routes docs to a 3B model), and it lets a run
/// reach the stages after the roles the weak model fails. The first two items, when the able developer writes them, each
/// pass their tests alone but not together (one renames <c>add</c>, the other's new test calls it): only the tests the
/// merge runs on the default branch stop the second.
/// </summary>
internal static class FuzzTeam
{
    /// <summary>The purposes a role's calls are routed by, the planner's first.</summary>
    public static readonly IReadOnlyList<string> Purposes = ["plan", "code", "test", "security", "docs", "review"];

    private static readonly string[] Items =
    [
        """{"title":"Multiply","description":"mul A B in calc.sh","acceptance_criteria":["`sh test.sh` passes"],"tier":"trivial","priority":3}""",
        """{"title":"Subtract","description":"sub A B in calc.sh","acceptance_criteria":["`sh test.sh` passes"],"tier":"trivial"}""",
        """{"title":"Usage in the README","acceptance_criteria":["README.md shows mul"],"depends_on":["T-2"],"kind":"docs"}""",
        """{"title":"Divide","description":"div A B in calc.sh","acceptance_criteria":["`sh test.sh` passes"],"tier":"standard"}""",
        """{"title":"Modulo","description":"mod A B in calc.sh","acceptance_criteria":["`sh test.sh` passes"]}""",
    ];

    // Multiply (T-2) adds mul.sh and a test that also calls add; Subtract (T-3) renames add to plus.
    private static readonly (string Briefing, string Path, string Content)[] Changes =
    [
        ("T-2 Multiply\nStage: develop", "mul.sh", "mul() { echo $(($1 * $2)); }\n"),
        ("T-2 Multiply\nStage: develop", "tests/t_mul.sh", ". ./calc.sh\n. ./mul.sh\n[ \"$(mul 2 3)\" = 6 ] && [ \"$(add 2 3)\" = 5 ]\n"),
        ("T-3 Subtract\nStage: develop", "calc.sh", "plus() { echo $(($1 + $2)); }\nsub() { echo $(($1 - $2)); }\n"),
        ("T-3 Subtract\nStage: develop", "tests/t_add.sh", ". ./calc.sh\n[ \"$(plus 2 3)\" = 5 ] && [ \"$(sub 5 3)\" = 2 ]\n"),
    ];

    /// <summary>The able model's name and the weak model's, for the case's protocol.</summary>
    public static (string Able, string Weak) Models(FuzzCase fuzzCase) =>
        fuzzCase.Protocol == "ollama" ? ("qwen2.5-coder:7b", "llama3.2:3b") : ("able-coder", "weak-coder");

    /// <summary>The fake server's script: both models, the able one's turns, and the weak model from the case's seed.</summary>
    public static FakeModelScript Script(FuzzCase fuzzCase)
    {
        var (able, weak) = Models(fuzzCase);
        var script = new FakeModelScript
        {
            WeakModel = new WeakModel(fuzzCase.Seed) { Weights = fuzzCase.Boastful ? new Dictionary<WeakBehaviour, int> { [WeakBehaviour.FinishEarly] = 4 } : null },
        };
        script.Models.Clear();
        script.Models.AddRange([new FakeModel(able, 5L << 30), new FakeModel(weak, 2L << 30)]);

        // The plan's items one at a time, each once; the planner finishes when it has made them or the plan is full.
        script.Turns.Add(Turn(able, "Stage: plan of the plan pipeline", "create_item", Items[0], once: true));
        foreach (var item in Items.Skip(1).Take(fuzzCase.PlannedItems - 1))
        {
            script.Turns.Add(Turn(able, "created T-", "create_item", item, once: true));
        }

        script.Turns.Add(Turn(able, "planning.max_items", "finish", """{"result":"pass","summary":"the plan is full"}"""));
        script.Turns.Add(Turn(able, "created T-", "finish", string.Create(CultureInfo.InvariantCulture, $$"""{"result":"pass","summary":"{{fuzzCase.PlannedItems}} items"}""")));

        // The first two items' code, once each (a send-back finds the plainest developer); then the plainest agents.
        foreach (var change in Changes.GroupBy(c => c.Briefing))
        {
            script.Turns.Add(new ScriptedTurn
            {
                Model = able, WhenContains = change.Key, Once = true,
                ToolCalls = [.. change.Select(c => new ScriptedToolCall("write_file", JsonSerializer.Serialize(new { path = c.Path, content = c.Content })))],
            });
        }

        script.Turns.Add(Turn(able, "wrote ", "finish", """{"result":"pass","summary":"written, and the tests pass"}"""));
        script.Turns.AddRange(HonestAgents.Turns("done as asked").Select(turn => turn with { Model = able }));
        return script;
    }

    private static ScriptedTurn Turn(string model, string whenContains, string tool, string arguments, bool once = false) =>
        new() { Model = model, WhenContains = whenContains, ToolCalls = [new ScriptedToolCall(tool, arguments)], Once = once };
}
