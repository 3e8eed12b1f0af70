using System.CommandLine;
using System.Text.RegularExpressions;
using Spectre.Console;
using Wilson.Agents.Git;
using Wilson.Cli.Projects;
using Wilson.Core.Configuration;
using Wilson.Core.Pipelines;
using Wilson.Core.Projects;
using Wilson.Core.Workflow;
using Wilson.Llm;
using Wilson.Storage;

namespace Wilson.Cli.Commands;

/// <summary><c>wilson init</c>: sets a git repository up for Wilson (<c>.wilson/</c> and the database).</summary>
internal static partial class InitCommand
{
    private const string FallbackBranch = "main";

    private const string GitIgnoreText = """
        # Wilson's local state: the embedded database and the agents' worktrees.
        wilson.db*
        worktrees/

        """;

    private const string PipelinesReadmeText = """
        # Custom pipelines

        Wilson ships two pipelines, `standard` (plan, develop, test, security, docs, approve, done) and
        `tdd` (plan, red, green, refactor, verify, approve, done). To define your own, add a YAML file
        here; a file whose `name` is `standard` or `tdd` replaces the built-in one.

        ```yaml
        name: quick                  # lowercase letters, digits and dashes
        description: Develop, review, done.
        stages:
          - name: develop
            role: developer          # planner, developer, tester, reviewer, security or docs
            on_fail: develop         # the earlier stage a failure sends the item back to
          - name: review
            role: reviewer
            gate: approval           # optional: wait for an approval
            on_fail: develop
          - name: done               # the last stage has no role: finished items rest here
        ```

        A stage may also say `expect: tests_fail` or `expect: tests_pass` (what the project's tests
        must do when the stage ends). Use a pipeline with `pipeline: quick` in `wilson.yaml` or
        `wilson item add "..." --pipeline quick`. Wilson checks every file at start-up and names the
        file, line and key of anything it does not understand.

        """;

    public static Command Create(CliEnvironment environment, GlobalOptions options)
    {
        var path = new Argument<string?>("path")
        {
            Description = "The repository to set up (default: the current directory)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var gitInit = new Option<bool>("--git-init") { Description = "Run `git init` first when the directory is not a git repository" };
        var name = new Option<string?>("--name") { Description = "The project's name (default: the directory's name, lowercased)" };
        var pipeline = new Option<string>("--pipeline")
        {
            Description = "The pipeline new items follow: standard or tdd",
            DefaultValueFactory = _ => PipelineCatalog.DefaultPipeline,
        };
        var branch = new Option<string?>("--branch") { Description = "The branch finished work is merged into (default: the current branch)" };
        var profile = new Option<string?>("--profile")
        {
            Description = $"The models to configure: {string.Join(", ", MachineProfiles.Names)} (default: the local profile that fits this machine's memory)",
        };

        var command = new Command("init", "Set a git repository up for Wilson: .wilson/wilson.yaml, pipelines and the database")
        {
            path, gitInit, name, pipeline, branch, profile,
        };
        command.SetCliAction(environment, options, (cli, cancellationToken) => RunAsync(
            cli,
            new InitRequest(cli.Get(path), cli.Get(gitInit), cli.Get(name), cli.Get(pipeline), cli.Get(branch), cli.Get(profile)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, InitRequest request, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(request.Path ?? ".", cli.Environment.WorkingDirectory);
        var git = new GitProcess(cli.Environment.Variables);
        var (root, gitInitialised) = await FindOrCreateRepositoryAsync(git, directory, request, cancellationToken);
        var layout = new ProjectLayout(root);
        if (File.Exists(layout.ConfigFile))
        {
            return Report(cli, new InitResult { Root = root, AlreadyInitialised = true });
        }

        var name = request.Name is { } given ? CheckName(given) : NameFrom(root);
        var branch = request.Branch ?? await CurrentBranchAsync(git, root, cancellationToken);
        var pipeline = CheckPipeline(request.Pipeline);
        var profile = request.Profile is { } chosen ? CheckProfile(chosen) : MachineProfiles.ForMemory(MachineMemory.TotalBytes());
        var configText = ProjectConfigFile.Template(name, branch, pipeline) + "\n" + MachineProfiles.Text(profile);

        // Read back what we are about to write, so a name or branch YAML cannot hold fails before any file exists.
        _ = ProjectConfigFile.Parse(layout.ConfigFile, configText);

        var created = new List<string>();
        Directory.CreateDirectory(layout.PipelinesDirectory);
        await WriteIfMissingAsync(layout, layout.PipelinesReadme, PipelinesReadmeText, created, cancellationToken);
        await WriteIfMissingAsync(layout, layout.GitIgnore, GitIgnoreText, created, cancellationToken);

        var database = ProjectDatabase.Resolve(cli.DatabaseOption, cli.Environment, config: null, layout);
        var stateMachine = new WorkflowStateMachine(PipelineCatalog.Load(layout.PipelinesDirectory));
        await using (var store = await ProjectDatabase.OpenAsync(database, stateMachine, cli.Time, cancellationToken))
        {
            await store.RegisterProjectAsync(new ProjectRegistration(name, root, branch, pipeline), Actor.CurrentUser(), cancellationToken);
        }

        // wilson.yaml is written last: its presence is what marks the project as initialised.
        await File.WriteAllTextAsync(layout.ConfigFile, configText, cancellationToken);
        created.Insert(0, layout.Relative(layout.ConfigFile));

        return Report(cli, new InitResult
        {
            Root = root,
            Name = name,
            DefaultBranch = branch,
            Pipeline = pipeline,
            Profile = profile,
            ProfileDetected = request.Profile is null,
            Database = database.Describe(),
            DatabaseIsDefault = database == DatabaseLocation.Sqlite(layout.DefaultDatabase),
            GitInitialised = gitInitialised,
            Created = created,
        });
    }

    private static async Task<(string Root, bool GitInitialised)> FindOrCreateRepositoryAsync(
        GitProcess git, string directory, InitRequest request, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            if (!request.GitInit)
            {
                throw new CliException($"{directory} does not exist (pass --git-init to create it as a new repository)");
            }

            Directory.CreateDirectory(directory);
        }

        var topLevel = await git.RunAsync(directory, ["rev-parse", "--show-toplevel"], cancellationToken);
        if (topLevel.Succeeded && topLevel.StandardOutput.Length > 0)
        {
            return (Path.GetFullPath(topLevel.StandardOutput), false);
        }

        if (!request.GitInit)
        {
            throw new CliException($"{directory} is not a git repository: run `git init` first, or pass --git-init");
        }

        string[] arguments = request.Branch is { } branch ? ["init", $"--initial-branch={branch}"] : ["init"];
        var init = await git.RunAsync(directory, arguments, cancellationToken);
        if (!init.Succeeded)
        {
            throw new CliException($"git init failed in {directory}: {init.StandardError}");
        }

        return (directory, true);
    }

    private static async Task<string> CurrentBranchAsync(GitProcess git, string root, CancellationToken cancellationToken)
    {
        var head = await git.RunAsync(root, ["symbolic-ref", "--short", "HEAD"], cancellationToken);
        return head.Succeeded && head.StandardOutput.Length > 0 ? head.StandardOutput : FallbackBranch;
    }

    private static string CheckName(string name) =>
        ProjectName().IsMatch(name)
            ? name
            : throw new CliException($"--name: '{name}' is not a project name: use letters, digits, '.', '-' and '_', starting with a letter or digit");

    /// <summary>The directory's name, lowercased, with anything but letters, digits, '.', '-' and '_' made a dash.</summary>
    internal static string NameFrom(string root)
    {
        var name = NotNameCharacters().Replace(Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)).ToLowerInvariant(), "-");
        name = name.Trim('-', '.', '_');
        return name.Length == 0 ? "project" : name;
    }

    private static string CheckPipeline(string pipeline)
    {
        var builtIn = PipelineCatalog.BuiltIn();
        if (builtIn.Find(pipeline) is not null)
        {
            return pipeline;
        }

        var names = builtIn.All.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        throw new CliException(
            $"--pipeline: no pipeline '{pipeline}'{Suggestions.DidYouMean(pipeline, names)}; pipelines: {string.Join(", ", names)} (add your own in .wilson/pipelines/ after init)");
    }

    private static string CheckProfile(string profile) =>
        MachineProfiles.Names.Contains(profile)
            ? profile
            : throw new CliException(
                $"--profile: no profile '{profile}'{Suggestions.DidYouMean(profile, MachineProfiles.Names)}; profiles: {string.Join(", ", MachineProfiles.Names)}");

    private static async Task WriteIfMissingAsync(ProjectLayout layout, string file, string text, List<string> created, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            await File.WriteAllTextAsync(file, text, cancellationToken);
            created.Add(layout.Relative(file));
        }
    }

    private static int Report(CliContext cli, InitResult result)
    {
        if (cli.Json)
        {
            cli.Output.WriteJson(result);
            return ExitCodes.Success;
        }

        var console = cli.Output.Console;
        if (result.AlreadyInitialised)
        {
            console.WriteLine($"already initialised: {result.Root}");
            return ExitCodes.Success;
        }

        if (result.GitInitialised)
        {
            console.WriteLine($"Created a git repository in {result.Root}");
        }

        console.MarkupLine($"Initialised Wilson project [bold]{Markup.Escape(result.Name!)}[/] in {Markup.Escape(result.Root)}");
        console.WriteLine($"  branch {result.DefaultBranch}, pipeline {result.Pipeline}");
        console.WriteLine($"  models: profile {result.Profile}{(result.ProfileDetected ? " (chosen for this machine's memory; --profile to choose)" : "")}");
        foreach (var file in result.Created)
        {
            console.WriteLine($"  created {file}");
        }

        console.WriteLine($"  database {result.Database}");
        if (!result.DatabaseIsDefault)
        {
            console.WriteLine($"  (other commands use it when given --db, ${GlobalOptions.DatabaseVariable} or database: in wilson.yaml)");
        }

        console.WriteLine();
        console.WriteLine("Next: wilson item add \"Your first item\" --criteria \"what done looks like\"");
        return ExitCodes.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ProjectName();

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NotNameCharacters();
}
