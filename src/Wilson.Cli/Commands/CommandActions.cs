using System.CommandLine;

namespace Wilson.Cli.Commands;

/// <summary>Binds a command to an action that receives the run's <see cref="CliContext"/>.</summary>
internal static class CommandActions
{
    public static void SetCliAction(
        this Command command, CliEnvironment environment, GlobalOptions options, Func<CliContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parseResult, cancellationToken) => action(new CliContext(environment, options, parseResult), cancellationToken));
}
