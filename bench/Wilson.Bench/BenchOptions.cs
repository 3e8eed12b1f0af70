using System.Globalization;

namespace Wilson.Bench;

/// <summary>The command line: how many items, workers and events, and which databases.</summary>
internal sealed record BenchOptions
{
    public const string Usage =
        "usage: Wilson.Bench [--items 10000] [--workers 8] [--batch 100] [--events 2000] [--rounds 5] [--only sqlite|postgres|models|commands|orchestration] [--tokens 10000]";

    public int Items { get; init; } = 10_000;

    public int Workers { get; init; } = 8;

    public int BatchSize { get; init; } = 100;

    public int Events { get; init; } = 2_000;

    /// <summary>Measured rounds of enqueue, claim → complete and raw ceiling per database; the medians are reported (five: this kind of machine drifts by a fifth from minute to minute).</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Tokens in the streamed answer of the provider benchmark.</summary>
    public int Tokens { get; init; } = 10_000;

    /// <summary>"sqlite", "postgres", "models", "commands" or null for all.</summary>
    public string? Only { get; init; }

    public bool RunsSqlite => Only is null or "sqlite";

    public bool RunsPostgres => Only is null or "postgres";

    public bool RunsModels => Only is null or "models";

    public bool RunsCommands => Only is null or "commands";

    public bool RunsOrchestration => Only is null or "orchestration";

    /// <summary>The options, or null with <paramref name="error"/> set when the command line is wrong.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new BenchOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                error = $"{name}: needs a value";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--only" when value is "sqlite" or "postgres" or "models" or "commands" or "orchestration":
                    options = options with { Only = value };
                    break;
                case "--only":
                    error = $"--only: '{value}' is not sqlite, postgres, models, commands or orchestration";
                    return null;
                case "--items" or "--workers" or "--batch" or "--events" or "--tokens" or "--rounds":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                    {
                        error = $"{name}: '{value}' is not a positive whole number";
                        return null;
                    }

                    options = name switch
                    {
                        "--items" => options with { Items = number },
                        "--workers" => options with { Workers = number },
                        "--batch" => options with { BatchSize = number },
                        "--tokens" => options with { Tokens = number },
                        "--rounds" => options with { Rounds = number },
                        _ => options with { Events = number },
                    };
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return null;
            }
        }

        return options;
    }
}
