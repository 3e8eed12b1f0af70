using System.CommandLine;
using Spectre.Console;
using Wilson.Agents;
using Wilson.Agents.Running;
using Wilson.Cli.Serving;
using Wilson.Core.Configuration;
using Wilson.Core.Executions;
using Wilson.Llm;
using Wilson.Orchestration.Workers;

namespace Wilson.Cli.Commands;

/// <summary>
/// <c>wilson run-agent T-1 --role developer</c>: one agent, one item, in the item's worktree, with its
/// stream printed. Each step that changed files is a checkpoint commit; a developer's "pass" is
/// verified, and a failed verification goes back to it as feedback. The run is recorded as an execution.
/// </summary>
internal static class RunAgentCommand
{
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
        await using var modelEvents = OutputModelEvents.Logged(cli, project);
        await using var models = new ModelServices(catalog, project.Store, modelEvents, cli.Time, cli.Environment.Variable);
        var workspace = new ProjectWorkspace(project.Project, project.Layout.Root, project.Config, cli.Environment.Variables, cli.Time);
        await workspace.Pids.SweepAsync(cancellationToken);

        var pipeline = project.GetPipeline(item.Pipeline);
        var stage = pipeline.FindStage(item.Stage) ?? pipeline.FirstStage;
        var purpose = AgentStageRunner.PurposeOf(role);
        cli.Output.WriteLine($"{item.Key} {item.Title}: {role} in {workspace.Worktrees.PathOf(item.Key)} ({models.Route(purpose, item.Tier).Reason})");
        var run = new StageRun(item, pipeline, stage, role, $"cli-{Environment.ProcessId}", "{}", Escalated: false, new AgentSteering());
        var result = await new AgentStageRunner(project.Store, workspace, models, catalog, pipelines: project.Pipelines).RunAsync(run, new StageObserver
        {
            OnAgent = e => Print(cli, e),
            OnCommand = e => cli.Output.Console.Write(e.Text),
            OnCheckpoint = checkpoint => cli.Output.WriteLine($"checkpoint {checkpoint.Commit[..10]}: {checkpoint.Message}"),
        }, cancellationToken);

        var execution = result.Execution;
        cli.Output.WriteLine($"execution {execution.Id}: {execution.Result} after {result.Attempts} attempt(s), " +
            $"{execution.TokensIn + execution.TokensOut:N0} tokens: {execution.Summary}");
        return execution.Result == ExecutionResult.Pass ? ExitCodes.Success : ExitCodes.Failure;
    }

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
            case AgentEventKind.Model:
                cli.Output.WriteLine($"[model: {e.Text}]");
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
