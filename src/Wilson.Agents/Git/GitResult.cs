namespace Wilson.Agents.Git;

/// <summary>How a git command ended and what it printed.</summary>
public sealed record GitResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
