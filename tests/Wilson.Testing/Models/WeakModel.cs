namespace Wilson.Testing.Models;

/// <summary>
/// A weak local model played from a seed, for <see cref="FakeModelScript.WeakModel"/>: a request that no
/// scripted turn matches gets a <see cref="WeakBehaviour"/> chosen by weight, among those that apply to it.
/// The choice and everything in the answer come from <see cref="Seed"/> and the conversation (messages,
/// earlier tool calls, offered tool names) only, so the same seed and conversation always give the same
/// answer, whatever other requests run at the same time; tool call ids are the one exception.
/// </summary>
/// <param name="Seed">The seed; another seed plays another model.</param>
public sealed record WeakModel(int Seed)
{
    /// <summary>The weights used for behaviours <see cref="Weights"/> does not name.</summary>
    public static IReadOnlyDictionary<WeakBehaviour, int> DefaultWeights { get; } = new Dictionary<WeakBehaviour, int>
    {
        [WeakBehaviour.CallRandomTool] = 6,
        [WeakBehaviour.UnknownTool] = 1,
        [WeakBehaviour.BrokenJson] = 1,
        [WeakBehaviour.ArgumentsAsString] = 1,
        [WeakBehaviour.WrongTypes] = 1,
        [WeakBehaviour.RepeatLastCall] = 2,
        [WeakBehaviour.RetryRequiredOnly] = 3,
        [WeakBehaviour.TextOnly] = 2,
        [WeakBehaviour.EndlessText] = 1,
        [WeakBehaviour.FinishEarly] = 1,
        [WeakBehaviour.FinishJunk] = 1,
    };

    /// <summary>
    /// Weights that replace the defaults for the behaviours they name; 0 turns one off. When no behaviour
    /// that applies to a request has a weight, the model plays <see cref="WeakBehaviour.TextOnly"/>.
    /// </summary>
    public IReadOnlyDictionary<WeakBehaviour, int>? Weights { get; init; }

    /// <summary>How many words <see cref="WeakBehaviour.EndlessText"/> writes when the request names no output limit.</summary>
    public int EndlessTokens { get; init; } = 2_000;

    /// <summary>A weak model that plays only <paramref name="behaviour"/> (and <see cref="WeakBehaviour.TextOnly"/> where that does not apply).</summary>
    public static WeakModel Only(WeakBehaviour behaviour, int seed = 0) => new(seed)
    {
        Weights = Enum.GetValues<WeakBehaviour>().ToDictionary(b => b, b => b == behaviour ? 1 : 0),
    };

    /// <summary>The weight of <paramref name="behaviour"/>: from <see cref="Weights"/>, else the default (0 for <see cref="WeakBehaviour.JsonAnswer"/>).</summary>
    public int WeightOf(WeakBehaviour behaviour) =>
        Weights is not null && Weights.TryGetValue(behaviour, out var weight) ? weight : DefaultWeights.GetValueOrDefault(behaviour);
}
