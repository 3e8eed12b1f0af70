namespace Wilson.Cli;

/// <summary>
/// A command cannot go on for a reason the person can fix (unknown item, bad option, no project).
/// It unwinds to <see cref="WilsonCli"/>, which prints the message as one line and exits with
/// <see cref="ExitCode"/>: at this boundary that is simpler than threading results through every step.
/// </summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
