using Wilson.Agents.Verification;

namespace Wilson.Agents.Running;

/// <summary>
/// What an agent's run did, as the record shows it rather than as the agent tells it: every tool call with its
/// result, the checkpoints (steps that changed files), and the verification that ran. A stage's pass is
/// checked against it before it counts.
/// </summary>
/// <param name="Calls">The calls of every step of the execution, in order, refused ones included (their result starts with <c>error:</c>).</param>
/// <param name="Checkpoints">How many steps changed files of the worktree.</param>
/// <param name="Report">The last verification report; null when none ran.</param>
public sealed record StageEvidence(IReadOnlyList<AgentToolCall> Calls, int Checkpoints, VerificationReport? Report)
{
    /// <summary>The calls to <paramref name="tool"/> that ran (not refused).</summary>
    public IEnumerable<AgentToolCall> Succeeded(string tool) =>
        Calls.Where(c => c.Name == tool && !c.Result.StartsWith("error:", StringComparison.Ordinal));
}
