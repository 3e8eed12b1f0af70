using System.CommandLine;
using Wilson.Cli.Projects;
using Wilson.Core.Items;
using Wilson.Core.Workflow;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson pause</c> and <c>wilson resume</c>: one item, or the whole project with <c>--all</c>.</summary>
internal static class PauseResumeCommands
{
    public const string NeitherItemNorAll = "name an item (T-1) or pass --all";

    public static Command CreatePause(CliEnvironment environment, GlobalOptions options) =>
        Create(environment, options, pause: true);

    public static Command CreateResume(CliEnvironment environment, GlobalOptions options) =>
        Create(environment, options, pause: false);

    private static Command Create(CliEnvironment environment, GlobalOptions options, bool pause)
    {
        var verb = pause ? "pause" : "resume";
        var key = new Argument<string?>("key") { Description = $"The item to {verb}, e.g. T-1", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = pause ? "Pause the whole project: no item is started" : "Resume the whole project" };
        var reason = new Option<string?>("--reason") { Description = "Why: it is recorded in the history" };
        var command = new Command(
            verb,
            pause
                ? "Pause an item (it is not started, or stops at its next step) or, with --all, the whole project"
                : "Resume a paused item where it was, or, with --all, the whole project")
        {
            key, all, reason,
        };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            var keyText = cli.Get(key);
            var isAll = cli.Get(all);
            if (keyText is null == !isAll)
            {
                throw new CliException(isAll ? $"{NeitherItemNorAll}, not both" : NeitherItemNorAll);
            }

            var why = cli.Get(reason) is { Length: > 0 } given ? given.Trim() : $"{verb}d from the command line";
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            return isAll
                ? await SetProjectAsync(cli, project, pause, why, cancellationToken)
                : await SetItemAsync(cli, project, keyText!, pause, why, cancellationToken);
        });
        return command;
    }

    private static async Task<int> SetProjectAsync(CliContext cli, ProjectContext project, bool pause, string reason, CancellationToken cancellationToken)
    {
        var updated = await project.Store.SetProjectPausedAsync(project.Project.Id, pause, reason, Actor.CurrentUser(), cancellationToken);
        if (cli.Json)
        {
            cli.Output.WriteJson(updated);
            return ExitCodes.Success;
        }

        cli.Output.WriteLine(pause
            ? $"Project {updated.Name} paused: no item will be started until `wilson resume --all`"
            : $"Project {updated.Name} resumed");
        return ExitCodes.Success;
    }

    // Through the oversight service: a running item keeps running and its agent stops at its next step.
    private static async Task<int> SetItemAsync(
        CliContext cli, ProjectContext project, string keyText, bool pause, string reason, CancellationToken cancellationToken)
    {
        var (oversight, key) = OversightCommands.For(cli, project, keyText);
        var before = await project.GetItemAsync(key, cancellationToken);
        var item = pause
            ? await oversight.PauseAsync(key, reason, Actor.CurrentUser(), cancellationToken)
            : await oversight.ResumeAsync(key, reason, Actor.CurrentUser(), cancellationToken);
        if (cli.Json)
        {
            cli.Output.WriteJson(item);
            return ExitCodes.Success;
        }

        cli.Output.WriteLine((pause, item.Status) switch
        {
            (true, WorkStatus.Running) => $"{key} paused: its agent stops at its next step and waits; resume with `wilson resume {key}`",
            (true, _) => $"{key} paused (was {before.Status}); resume with `wilson resume {key}`",
            (false, WorkStatus.Running) => $"{key} resumed: its agent goes on from where it stopped",
            _ => $"{key} resumed: {item.Status} at stage {item.Stage}",
        });
        return ExitCodes.Success;
    }
}
