using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Data.Common;
using Wilson.Cli.Commands;
using Wilson.Core.Configuration;
using Wilson.Orchestration.Oversight;

namespace Wilson.Cli;

/// <summary>
/// The <c>wilson</c> command line: builds the commands, runs one, and is the boundary where every
/// failure becomes exactly one line on stderr and a non-zero exit code.
/// </summary>
internal static class WilsonCli
{
    private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions();
        var root = CreateRootCommand(environment, options);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            return WriteParseErrors(parseResult, environment.Error);
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = environment.HandlesTerminationSignals ? TerminationGrace : null,
        };

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
        catch (CliException ex)
        {
            return WriteError(environment, ex.Message, ex.ExitCode, verboseDetail: null);
        }
        catch (OversightException ex)
        {
            return WriteError(environment, ex.Message, ExitCodes.Failure, verboseDetail: null);
        }
        catch (ConfigFormatException ex)
        {
            return WriteError(environment, ex.Message, ExitCodes.Failure, Verbose(parseResult, options) ? ex : null);
        }
        catch (DbException ex)
        {
            return WriteError(environment, $"database: {ErrorText.Of(ex)}", ExitCodes.Failure, Verbose(parseResult, options) ? ex : null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return WriteError(environment, ErrorText.Of(ex), ExitCodes.Failure, Verbose(parseResult, options) ? ex : null);
        }
    }

    internal static RootCommand CreateRootCommand(CliEnvironment environment, GlobalOptions options)
    {
        var root = new RootCommand("Wilson: a local-first team of AI agents that builds software with a person.");
        options.AddTo(root);
        root.Add(InitCommand.Create(environment, options));
        root.Add(ItemCommands.Create(environment, options));
        root.Add(StatusCommand.Create(environment, options));
        root.Add(EventsCommand.Create(environment, options));
        root.Add(PauseResumeCommands.CreatePause(environment, options));
        root.Add(PauseResumeCommands.CreateResume(environment, options));
        root.Add(RetryCommand.Create(environment, options));
        foreach (var command in OversightCommands.Create(environment, options))
        {
            root.Add(command);
        }

        root.Add(ServeCommand.Create(environment, options));
        root.Add(ModelsCommand.Create(environment, options));
        root.Add(DoctorCommand.Create(environment, options));
        root.Add(RunAgentCommand.Create(environment, options));
        root.Add(IdeaCommand.Create(environment, options));
        return root;
    }

    private static bool Verbose(ParseResult parseResult, GlobalOptions options) => parseResult.GetValue(options.Verbose);

    private static int WriteError(CliEnvironment environment, string message, int exitCode, Exception? verboseDetail)
    {
        environment.Error.WriteLine($"error: {ErrorText.OneLine(message)}");
        if (verboseDetail is not null)
        {
            environment.Error.WriteLine(verboseDetail.ToString());
        }

        environment.Error.Flush();
        return exitCode;
    }

    // System.CommandLine would print every error and then the help; one line is easier to read and to parse.
    private static int WriteParseErrors(ParseResult parseResult, TextWriter error)
    {
        var messages = parseResult.Errors.Select(e => ErrorText.OneLine(e.Message)).Distinct(StringComparer.Ordinal);
        error.WriteLine($"error: {string.Join("; ", messages)} (see `{CommandPath(parseResult)} --help`)");
        error.Flush();
        return ExitCodes.Usage;
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Add(result.Command.Name);
        }

        names.Add("wilson");
        names.Reverse();
        return string.Join(' ', names);
    }
}
