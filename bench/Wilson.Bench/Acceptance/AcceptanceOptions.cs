using System.Globalization;

namespace Wilson.Bench.Acceptance;

/// <summary>The command line of <c>acceptance-report</c>.</summary>
internal sealed record AcceptanceOptions
{
    public const string Usage =
        "usage: Wilson.Bench acceptance-report --project DIR [--plan T-n] [--exit-code N] [--process-seconds S] [--expect-nothing-built]";

    /// <summary>The project's root (its .wilson/wilson.yaml and .wilson/wilson.db).</summary>
    public required string Project { get; init; }

    /// <summary>The plan item of one idea; null: every plan that is not inside another.</summary>
    public string? Plan { get; init; }

    /// <summary>The exit code of <c>wilson idea --wait</c> for <see cref="Plan"/>, checked against the items' states.</summary>
    public int? ExitCode { get; init; }

    /// <summary>How long <c>wilson idea --wait</c> ran as its caller measured it, for start-up and shut-down.</summary>
    public double? ProcessSeconds { get; init; }

    /// <summary>A model that cannot build (random weights): nothing may be merged, every item must end blocked or failed.</summary>
    public bool ExpectNothingBuilt { get; init; }

    public static AcceptanceOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        string? project = null, plan = null;
        int? exitCode = null;
        double? seconds = null;
        var nothingBuilt = false;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--expect-nothing-built")
            {
                nothingBuilt = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name}: needs a value";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--project":
                    project = value;
                    break;
                case "--plan":
                    plan = value;
                    break;
                case "--exit-code" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code):
                    exitCode = code;
                    break;
                case "--process-seconds" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0:
                    seconds = s;
                    break;
                case "--exit-code" or "--process-seconds":
                    error = $"{name}: '{value}' is not a number";
                    return null;
                default:
                    error = $"unknown option '{name}'";
                    return null;
            }
        }

        if (project is null)
        {
            error = "--project DIR is required";
            return null;
        }

        if (exitCode is not null && plan is null)
        {
            error = "--exit-code needs --plan: it is the exit code of one idea";
            return null;
        }

        return new AcceptanceOptions { Project = project, Plan = plan, ExitCode = exitCode, ProcessSeconds = seconds, ExpectNothingBuilt = nothingBuilt };
    }
}
