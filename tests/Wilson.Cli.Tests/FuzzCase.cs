using System.Globalization;

namespace Wilson.Cli.Tests;

/// <summary>
/// One run of the pipeline fuzz: the weak model's seed; the protocol the endpoint speaks; which purposes (roles) the
/// weak model plays, the others going to an able model that does each job the plainest honest way (<see cref="FuzzTeam"/>),
/// so that a run gets past the roles that fail and the later stages, merges and budgets are reached too; whether the weak
/// model calls tools natively (false: the text protocol, fenced JSON blocks) and, without them, whether its answers are
/// constrained to one JSON call (<c>constrained_calls</c>, where the protocol has a response format: not Anthropic's);
/// how many items an able planner makes (five is one more than the plan may hold); whether the weak model is boastful
/// (claims a pass four times as often as by default); and how the work is driven (<c>idea --wait</c> or <c>serve</c>).
/// Everything but the seed follows from the seed, so a seed replays the same way (as far as two workers racing allow).
/// </summary>
internal sealed record FuzzCase(
    int Seed, string Protocol, bool NativeTools, bool Constrained, bool Serve, IReadOnlyList<string> WeakPurposes, int PlannedItems, bool Boastful)
{
    /// <summary>Runs seeds 1..N (or A..B, given as <c>A-B</c>) instead of the CI set.</summary>
    public const string SeedsVariable = "WILSON_FUZZ_SEEDS";

    /// <summary>Runs just this seed.</summary>
    public const string SeedVariable = "WILSON_FUZZ_SEED";

    private static readonly string[] Protocols = ["ollama", "openai", "anthropic"];

    /// <summary>
    /// The CI set, fixed: chosen from runs of seeds 1..105 so that between them every protocol is played, the text
    /// protocol three times (once constrained), the weak model plans (nothing is built; an item is made), writes code,
    /// tests (claiming passes it did not earn), reviews and reports bugs; items are merged (all of a plan twice) and
    /// blocked, the plan bound and the token budget are reached, and a merge that breaks the tests only together is
    /// stopped; and most run in seconds. Each of these mutations of Wilson breaks an invariant on at least one of them:
    /// a plan bound off by one (105), a tester's pass without its evidence (105), the item budget not checked (10, 15,
    /// 21, 25), a merge without its tests (21), a verdict that counts blocked items as merged (most). The slowest first:
    /// 105 takes half a minute (two items go round between a stage and develop until their budget ends it), the others
    /// run beside it.
    /// </summary>
    private static readonly int[] CiSeeds = [105, 21, 25, 10, 1, 14, 15, 36, 7, 26];

    /// <summary>The seeds the serve test drives through <c>wilson serve</c>: quick, and each makes, merges and blocks items.</summary>
    private static readonly int[] CiServeSeeds = [98, 102];

    /// <summary>
    /// The case a seed stands for: the protocol turns with the seed, every fifth seed is on the text protocol (every
    /// tenth constrained, but on Anthropic); each purpose is the weak model's by chance (the planner less often, or few
    /// runs would get past it), one at least.
    /// </summary>
    public static FuzzCase For(int seed, bool serve = false)
    {
        var random = new Random(seed);
        var weak = FuzzTeam.Purposes.Where(p => random.NextDouble() < (p == "plan" ? 0.25 : 0.4)).ToList();
        if (weak.Count == 0)
        {
            weak.Add(FuzzTeam.Purposes[1 + random.Next(FuzzTeam.Purposes.Count - 1)]);
        }

        var protocol = Protocols[seed % Protocols.Length];
        return new(seed, protocol, NativeTools: seed % 5 != 0, Constrained: seed % 10 == 0 && protocol != "anthropic", serve, weak,
            PlannedItems: random.Next(1, FuzzProject.MaxItems + 2), Boastful: random.Next(2) == 0);
    }

    /// <summary>
    /// The seeds to run: <see cref="SeedVariable"/>, else 1..N for <see cref="SeedsVariable"/>=N (or A..B for
    /// <c>A-B</c>, to go on where a long run stopped), else the CI set.
    /// </summary>
    public static IReadOnlyList<int> Seeds()
    {
        if (Number(SeedVariable) is { } one)
        {
            return [one];
        }

        var range = Environment.GetEnvironmentVariable(SeedsVariable)?.Split('-') ?? [];
        return range.Length == 2 && Parse(range[0]) is { } from && Parse(range[1]) is { } to && from <= to
            ? [.. Enumerable.Range(from, to - from + 1)]
            : Number(SeedsVariable) is { } count ? [.. Enumerable.Range(1, count)] : CiSeeds;
    }

    /// <summary>True when the seeds are the CI set (or a longer run): coverage across them is worth asserting.</summary>
    public static bool ManySeeds => Number(SeedVariable) is null;

    /// <summary>The serve test's seeds: <see cref="SeedVariable"/> when set, else its CI set.</summary>
    public static IReadOnlyList<int> ServeSeeds() => Number(SeedVariable) is { } one ? [one] : CiServeSeeds;

    /// <summary>How to run this case again, alone.</summary>
    public string Replay => string.Create(CultureInfo.InvariantCulture,
        $"{SeedVariable}={Seed} dotnet test tests/Wilson.Cli.Tests -c Release --filter \"FullyQualifiedName~PipelineFuzzTests.{(Serve ? "Serve" : "Idea")}\"");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"seed {Seed} ({Protocol}{(NativeTools ? "" : Constrained ? ", constrained text tools" : ", text tools")}, weak {string.Join('+', WeakPurposes)}{(Boastful ? " (boastful)" : "")}, {PlannedItems} planned, {(Serve ? "serve" : "idea --wait")})");

    private static int? Number(string variable) => Parse(Environment.GetEnvironmentVariable(variable));

    private static int? Parse(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
