namespace Wilson.Cli;

/// <summary>What the <c>wilson</c> process exits with.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed, or was refused.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument.</summary>
    public const int Usage = 2;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
