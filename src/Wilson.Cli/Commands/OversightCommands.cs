using System.CommandLine;
using Wilson.Cli.Projects;
using Wilson.Core.Workflow;
using Wilson.Orchestration.Oversight;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson approve | reject | feedback | cancel T-3</c>: a person's decisions on the work, through the
/// oversight service; a running agent in <c>wilson serve</c> (this machine or another) sees them at once.
/// </summary>
internal static class OversightCommands
{
    public static IEnumerable<Command> Create(CliEnvironment environment, GlobalOptions options) =>
    [
        Decision(environment, options, "approve", "Approve an item waiting for approval: the merge queue merges it", "approved from the command line",
            async (oversight, key, reason, ct) =>
            {
                await oversight.ApproveAsync(key, reason, Actor.CurrentUser(), ct);
                return $"{key} approved: the merge queue takes it next";
            }),
        Decision(environment, options, "reject", "Send an item waiting for approval back to develop, with the reason as feedback", defaultReason: null,
            async (oversight, key, reason, ct) => $"{key} rejected: back to {(await oversight.RejectAsync(key, reason, Actor.CurrentUser(), ct)).Stage} with the reason as feedback"),
        Decision(environment, options, "cancel", "Cancel an item for good (a running agent is stopped at once)", "cancelled from the command line",
            async (oversight, key, reason, ct) => $"{(await oversight.CancelAsync(key, reason, Actor.CurrentUser(), ct)).Key} cancelled"),
        CreateFeedback(environment, options),
        CreateReassign(environment, options),
    ];

    /// <summary>The oversight service for the project, with the key as the project spells it.</summary>
    public static (PersonOversight Oversight, string Key) For(CliContext cli, ProjectContext project, string keyText) =>
        (new PersonOversight(project.Store, project.Project, project.Pipelines, cli.Time), ProjectContext.ParseKey(keyText));

    // defaultReason: the reason when none is given; null makes --reason required.
    private static Command Decision(
        CliEnvironment environment, GlobalOptions options, string verb, string description, string? defaultReason,
        Func<PersonOversight, string, string, CancellationToken, Task<string>> act)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-3" };
        var reason = new Option<string?>("--reason") { Description = "Why: it is recorded in the history", Required = defaultReason is null };
        var command = new Command(verb, description) { key, reason };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var (oversight, itemKey) = For(cli, project, cli.Get(key));
            var why = cli.Get(reason) is { Length: > 0 } given ? given.Trim() : defaultReason ?? "";
            cli.Output.WriteLine(await act(oversight, itemKey, why, cancellationToken));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateReassign(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-3" };
        var role = new Option<string?>("--role") { Description = "The role for its next runs (\"\" for each stage's own)" };
        var model = new Option<string?>("--model") { Description = "The model for its next runs, from wilson.yaml (\"\" for the router's choice)" };
        var reason = new Option<string?>("--reason") { Description = "Why: it is recorded in the history" };
        var command = new Command("reassign", "Give an item's next runs another role or another model") { key, role, model, reason };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var (oversight, itemKey) = For(cli, project, cli.Get(key));
            var why = cli.Get(reason) is { Length: > 0 } given ? given.Trim() : "reassigned from the command line";
            var item = await oversight.ReassignAsync(itemKey, cli.Get(role), cli.Get(model), [.. project.Config.Models.Models.Keys], why, Actor.CurrentUser(), cancellationToken);
            cli.Output.WriteLine($"{itemKey} reassigned: role {item.Context.Role ?? "of each stage"}, model {item.Context.Model ?? "as routed"}; from its next run");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateFeedback(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-3" };
        var text = new Argument<string>("text") { Description = "What the agent should know or do differently" };
        var command = new Command("feedback", "Leave a note for the agent on an item: a running agent reads it at its next turn, else the next one") { key, text };
        command.SetCliAction(environment, options, async (cli, cancellationToken) =>
        {
            await using var project = await cli.OpenProjectAsync(cancellationToken);
            var (oversight, itemKey) = For(cli, project, cli.Get(key));
            await oversight.FeedbackAsync(itemKey, cli.Get(text), Actor.CurrentUser(), cancellationToken);
            cli.Output.WriteLine($"feedback left on {itemKey}: its agent reads it at its next turn");
            return ExitCodes.Success;
        });
        return command;
    }
}
