using Wilson.Core.Items;

namespace Wilson.Llm.Routing;

/// <summary>What a call needs a model for.</summary>
/// <param name="Purpose">chat, plan, code, test, review, security or docs.</param>
/// <param name="Tier">The item's complexity: trivial takes no model; complex prefers the cloud.</param>
/// <param name="Excluded">Models already tried and failed for this call (the fallback chain moves past them).</param>
/// <param name="Pinned">A model a person chose for the work: only it is considered.</param>
public sealed record RouteRequest(string Purpose, ComplexityTier Tier, IReadOnlySet<string>? Excluded = null, string? Pinned = null);
