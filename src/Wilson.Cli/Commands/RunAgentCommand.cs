using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;
using Wilson.Agents;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Running;
using Wilson.Agents.Verification;
using Wilson.Agents.Workspaces;
using Wilson.Cli.Serving;
using Wilson.Core.Configuration;
using Wilson.Core.Executions;
using Wilson.Core.Items;
using Wilson.Core.Workflow;
using Wilson.Llm;
using Wilson.Llm.Usage;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson run-agent T-1 --role developer</c>: one agent, one item, in the item's worktree, with its
/// stream printed. Each step that changed files is a checkpoint commit; a developer's "pass" is
/// verified, and a failed verification goes back to it as feedback.
/// </summary>
internal static class RunAgentCommand
{
    private const int FixAttempts = 3;

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var key = new Argument<string>("key") { Description = "The item, e.g. T-1" };
        var role = new Option<string>("--role")
        {
            Description = $"The role: {string.Join(", ", RolePrompts.Roles)}",
            DefaultValueFactory = _ => "developer",
        };
        var command = new Command("run-agent", "Run one agent on one item in its worktree and print what it does") { key, role };
        command.SetCliAction(environment, options, (cli, ct) => RunAsync(cli, cli.Get(key), cli.Get(role), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string keyText, string role, CancellationToken cancellationToken)
    {
        if (!RolePrompts.Roles.Contains(role))
        {
            throw new CliException($"--role: unknown role '{role}'{Suggestions.DidYouMean(role, RolePrompts.Roles)}; roles: {string.Join(", ", RolePrompts.Roles)}");
        }

        await using var project = await cli.OpenProjectAsync(cancellationToken);
        var item = await project.GetItemAsync(keyText, cancellationToken);
        var catalog = ModelsCommand.Catalog(cli, project.Config);
        var purpose = PurposeOf(role);
        await using var models = new ModelServices(catalog, project.Store, new OutputModelEvents(cli.Output), cli.Time, cli.Environment.Variable);

        var layout = project.Layout;
        var git = new GitProcess(cli.Environment.Variables);
        var worktrees = new ItemWorktrees(layout.Root, project.Config.DefaultBranch, git);
        var worktree = await worktrees.EnsureAsync(item.Key, item.Title, cancellationToken);
        var pids = new CommandPidRegistry(Path.Combine(layout.WilsonDirectory, "run", "pids"));
        await pids.SweepAsync(cancellationToken);
        var commands = project.Config.Commands;
        var limits = new CommandLimits { SilenceWarning = commands.SilenceWarning, SilenceKill = commands.SilenceKill, Deadline = commands.Deadline };
        var policy = CommandPolicy.Default(project.Config.DefaultBranch).With(commands.Refuse.Select(r =>
            (new Regex(r.Pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100)), r.Reason)));
        var runner = new CommandRunner(worktree, policy, CommandEnvironment.Scrub(cli.Environment.Variables),
            commands.Sandbox ? CommandSandbox.Detect(commands.AllowNetwork) : null, cli.Time, pids);
        cli.Output.WriteLine($"{item.Key} {item.Title}: {role} in {worktree} ({models.Route(purpose, Tier(item)).Reason})");
        var nativeTools = catalog.Purposes.TryGetValue(purpose, out var candidates) && candidates.Count > 0 && catalog.Models[candidates[0]].Config.SupportsTools;
        var developer = role == "developer";
        var result = await new AgentExecution(project.Store, worktrees, cli.Time).RunAsync(new AgentExecutionRequest
        {
            Item = item,
            Stage = item.Stage,
            Role = role,
            Worker = $"cli-{Environment.ProcessId}",
            SystemPrompt = RolePrompts.For(role, Path.Combine(layout.WilsonDirectory, "prompts")),
            Briefing = Briefing(item, await project.Store.TakeFeedbackAsync(project.Project.Id, item.Key, cancellationToken)),
            ClientFor = execution => models.ClientFor(new CallContext(purpose, project.Project.Id, item.Key, execution.Id), Tier(item)),
            ToolsFor = (execution, onCommand) =>
            [
                .. new AgentTools(worktree, Path.Combine(layout.WilsonDirectory, "artifacts", item.Key), runner, git,
                    project.Config.TestCommand, e => { onCommand(e); cli.Output.Console.Write(e.Text); }, limits).All(),
                .. new RoleTools(project.Store, item, role).All(),
            ],
            NativeTools = nativeTools,
            Verifier = developer ? new Verifier(worktree, runner, git, project.Config.TestCommand, limits) : null,
            VerificationSteps = developer ? [.. item.Verification.Concat(CriteriaSteps.From(item.AcceptanceCriteria)).Distinct()] : [],
            FixAttempts = FixAttempts,
            Observer = e => Print(cli, e),
            OnCheckpoint = checkpoint => cli.Output.WriteLine($"checkpoint {checkpoint.Commit[..10]}: {checkpoint.Message}"),
        }, cancellationToken);

        var execution = result.Execution;
        cli.Output.WriteLine($"execution {execution.Id}: {execution.Result} after {result.Attempts} attempt(s), " +
            $"{execution.TokensIn + execution.TokensOut:N0} tokens: {execution.Summary}");
        return execution.Result == ExecutionResult.Pass ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string PurposeOf(string role) => role switch
    {
        "planner" => "plan",
        "developer" => "code",
        "tester" => "test",
        "reviewer" => "review",
        _ => role,
    };

    // A person asked for this run: even a trivial item gets a model.
    private static ComplexityTier Tier(WorkItem item) => item.Tier == ComplexityTier.Trivial ? ComplexityTier.Standard : item.Tier;

    private static string Briefing(WorkItem item, IReadOnlyList<Feedback> feedback)
    {
        var text = new StringBuilder($"Briefing: {item.Key} {item.Title}\n");
        if (item.Description.Length > 0)
        {
            text.Append(CultureFree($"\n{item.Description}\n"));
        }

        text.Append("\nAcceptance criteria:\n");
        foreach (var criterion in item.AcceptanceCriteria)
        {
            text.Append(CultureFree($"- {criterion}\n"));
        }

        foreach (var done in item.DefinitionOfDone)
        {
            text.Append(CultureFree($"- (done when) {done}\n"));
        }

        if (feedback.Count > 0)
        {
            text.Append("\nFeedback on this item (act on it):\n");
            foreach (var note in feedback)
            {
                text.Append(CultureFree($"- from {note.From}: {note.Text}\n"));
            }
        }

        return text.ToString();
    }

    private static string CultureFree(FormattableString text) => FormattableString.Invariant(text);

    private static void Print(CliContext cli, AgentEvent e)
    {
        switch (e.Kind)
        {
            case AgentEventKind.Text:
                cli.Output.Console.Write(e.Text);
                break;
            case AgentEventKind.ToolCall:
                cli.Output.WriteLine($"> {e.Text}");
                break;
            case AgentEventKind.ToolResult:
                cli.Output.WriteLine(e.Text.Length > 400 ? e.Text[..400] + " ..." : e.Text);
                break;
            default:
                cli.Output.WriteLine($"[{e.Text}]");
                break;
        }
    }
}
