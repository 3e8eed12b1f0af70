using System.CommandLine;

namespace Wilson.Cli;

/// <summary>The options every command takes.</summary>
internal sealed class GlobalOptions
{
    public const string DatabaseVariable = "WILSON_DATABASE";

    public Option<string?> Database { get; } = new("--db")
    {
        Description = $"The database: a PostgreSQL connection string or sqlite:PATH (default: ${DatabaseVariable}, then wilson.yaml, then .wilson/wilson.db)",
        HelpName = "connection string",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON to stdout instead of text for people",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "On failure, print the whole exception",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Database);
        root.Add(Json);
        root.Add(Verbose);
    }
}
