using System.Text.Json;
using Spectre.Console;

namespace Wilson.Cli;

/// <summary>Where a command writes its result: text for people through Spectre.Console, or plain JSON.</summary>
internal sealed class CliOutput
{
    // Wide enough that a redirected table or event line is not wrapped mid-word.
    private const int RedirectedWidth = 200;

    private readonly TextWriter _out;

    public CliOutput(CliEnvironment environment)
    {
        _out = environment.Out;
        var settings = new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Out),
            Ansi = environment.OutIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.OutIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            EnvironmentVariables = environment.Variables.ToDictionary(StringComparer.Ordinal),
        };
        Console = AnsiConsole.Create(settings);
        if (!environment.OutIsTerminal)
        {
            Console.Profile.Width = RedirectedWidth;
        }
    }

    /// <summary>Text for people; write user data with <see cref="Text"/> or escaped markup.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>One JSON document, indented.</summary>
    public void WriteJson<T>(T value)
    {
        _out.WriteLine(JsonSerializer.Serialize(value, CliJson.Indented));
        _out.Flush();
    }

    /// <summary>One JSON object on one line (NDJSON), flushed at once for readers of a stream.</summary>
    public void WriteJsonLine<T>(T value)
    {
        _out.WriteLine(JsonSerializer.Serialize(value, CliJson.Compact));
        _out.Flush();
    }

    /// <summary>A line as it is, never wrapped, flushed at once (for streams such as <c>wilson events --follow</c>).</summary>
    public void WriteLine(string text)
    {
        _out.WriteLine(text);
        _out.Flush();
    }
}
