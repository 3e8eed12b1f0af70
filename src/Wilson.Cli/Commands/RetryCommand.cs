using System.CommandLine;
using Wilson.Core.Workflow;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson retry T-3</c>: takes an item out of the dead letter (Failed) and makes it Ready again, attempts reset.</summary>
internal static class RetryCommand
{
    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The Failed item to retry, e.g. T-3" };
        var reason = new Option<string?>("--reason") { Description = "Why: it is recorded in the history" };
        var command = new Command("retry", "Return a Failed item (the dead letter) to Ready at its stage, with its attempts reset") { key, reason };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var (oversight, itemKey) = OversightCommands.For(cli, project, cli.Get(key));
            var why = cli.Get(reason) is { Length: > 0 } given ? given.Trim() : "retried from the command line";
            var retried = await oversight.RetryAsync(itemKey, why, Actor.CurrentUser(), cancellationToken);
            if (cli.Json)
            {
                cli.Output.WriteJson(retried);
                return ExitCodes.Success;
            }

            cli.Output.WriteLine($"{retried.Key} is back: {retried.Status} at stage {retried.Stage} (attempts reset)");
            return ExitCodes.Success;
        });
        return command;
    }
}
