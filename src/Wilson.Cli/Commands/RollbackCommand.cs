using System.CommandLine;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson item rollback T-12 --to &lt;checkpoint&gt;</c>: the item's worktree back to one of its checkpoints.</summary>
internal static class RollbackCommand
{
    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-12" };
        var to = new Option<string?>("--to") { Description = "The checkpoint commit (its first characters are enough); without it, the checkpoints are listed" };
        var command = new Command("rollback", "Reset an item's worktree to one of its checkpoints, or list them") { key, to };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var item = await project.GetItemAsync(cli.Get(key), cancellationToken);
            var worktrees = new ItemWorktrees(project.Layout.Root, project.Config.DefaultBranch, new GitProcess(cli.Environment.Variables));
            if (!Directory.Exists(worktrees.PathOf(item.Key)))
            {
                throw new CliException($"{item.Key} has no worktree yet: nothing has been done on it to roll back");
            }

            if (cli.Get(to) is not { } commit)
            {
                var checkpoints = await worktrees.CheckpointsAsync(item.Key, cancellationToken);
                cli.Output.WriteLine(checkpoints.Count == 0 ? $"{item.Key} has no checkpoints yet" : string.Join('\n', checkpoints.Select(c => $"{c.Commit[..10]} {c.Message}")));
                return ExitCodes.Success;
            }

            try
            {
                await worktrees.RollbackAsync(item.Key, commit, cancellationToken);
            }
            catch (ToolException ex)
            {
                throw new CliException(ex.Message);
            }

            cli.Output.WriteLine($"{item.Key} is back at checkpoint {commit}; later work in its worktree is gone");
            return ExitCodes.Success;
        });
        return command;
    }
}
