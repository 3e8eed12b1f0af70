namespace Wilson.Cli.Git;

/// <summary>How a git command ended and what it printed.</summary>
internal sealed record GitResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
