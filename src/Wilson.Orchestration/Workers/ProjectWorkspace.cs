using System.Text.RegularExpressions;
using Wilson.Agents.Commands;
using Wilson.Agents.Git;
using Wilson.Agents.Workspaces;
using Wilson.Core.Configuration;
using Wilson.Core.Projects;

namespace Wilson.Orchestration.Workers;

/// <summary>
/// A project as agents work in it: its repository, its settings, its worktrees, and the command runner
/// and limits its commands get (the <c>commands</c> section of <c>wilson.yaml</c>).
/// </summary>
public sealed class ProjectWorkspace
{
    public ProjectWorkspace(Project project, string root, ProjectConfig config, IReadOnlyDictionary<string, string> environment, TimeProvider time)
    {
        Project = project;
        Root = root;
        Config = config;
        Environment = environment;
        Time = time;
        Git = new GitProcess(environment);
        Worktrees = new ItemWorktrees(root, config.DefaultBranch, Git);
        Pids = new CommandPidRegistry(Path.Combine(WilsonDirectory, "run", "pids"));
        var commands = config.Commands;
        Limits = new CommandLimits { SilenceWarning = commands.SilenceWarning, SilenceKill = commands.SilenceKill, Deadline = commands.Deadline };
        Policy = CommandPolicy.Default(config.DefaultBranch).With(commands.Refuse.Select(r =>
            (new Regex(r.Pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100)), r.Reason)));
        Sandbox = commands.Sandbox ? CommandSandbox.Detect(commands.AllowNetwork) : null;
    }

    public Project Project { get; }

    public string Root { get; }

    public string WilsonDirectory => Path.Combine(Root, ".wilson");

    public ProjectConfig Config { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public TimeProvider Time { get; }

    public GitProcess Git { get; }

    public ItemWorktrees Worktrees { get; }

    public CommandPidRegistry Pids { get; }

    public CommandLimits Limits { get; }

    public CommandPolicy Policy { get; }

    public CommandSandbox? Sandbox { get; }

    /// <summary>A runner confined to <paramref name="worktree"/>, with secrets out of its commands' environment.</summary>
    public CommandRunner RunnerFor(string worktree) =>
        new(worktree, Policy, CommandEnvironment.Scrub(Environment), Sandbox, Time, Pids);

    public string ArtifactsOf(string itemKey) => Path.Combine(WilsonDirectory, "artifacts", itemKey);

    public string PromptsDirectory => Path.Combine(WilsonDirectory, "prompts");
}
