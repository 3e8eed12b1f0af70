using Wilson.Core.Items;

namespace Wilson.Llm.Routing;

/// <summary>
/// Chooses the model for a call: by purpose and complexity tier (trivial: none; standard: local first;
/// complex: the cloud first, else the best local one), then healthy over down, warm over cold, least
/// loaded, native tool support, and the order wilson.yaml lists them in. A pure function of what is
/// known (<see cref="ModelFacts"/>), so every rule is testable as a table.
/// </summary>
public sealed class ModelRouter(ModelCatalog catalog)
{
    internal const string MechanicalPrefix = "trivial";

    /// <summary>Decides for <paramref name="request"/> given <paramref name="facts"/> (a model missing from it is <see cref="ModelFacts.Unknown"/>).</summary>
    public RouteDecision Choose(RouteRequest request, IReadOnlyDictionary<string, ModelFacts> facts)
    {
        if (request.Tier == ComplexityTier.Trivial)
        {
            return new RouteDecision(null, $"{MechanicalPrefix}: {request.Purpose} takes the mechanical path, no model");
        }

        if (request.Pinned is { } pinned && !catalog.Models.ContainsKey(pinned))
        {
            return new RouteDecision(null, $"the model chosen for this work, {pinned}, is not in wilson.yaml (models: {string.Join(", ", catalog.Models.Keys)})");
        }

        IReadOnlyList<string>? names = request.Pinned is { } chosen ? [chosen] : catalog.Purposes.GetValueOrDefault(request.Purpose);
        if (names is null || names.Count == 0)
        {
            return new RouteDecision(null, $"no model is configured for {request.Purpose} (models.purposes in wilson.yaml)");
        }

        var excluded = request.Excluded ?? new HashSet<string>();
        var candidates = names
            .Select((name, order) => (Spec: catalog.Models[name], Facts: facts.GetValueOrDefault(name) ?? ModelFacts.Unknown, Order: order))
            .ToList();
        var usable = candidates.Where(c => !excluded.Contains(c.Spec.Name) && Usable(c.Facts)).ToList();
        if (usable.Count == 0)
        {
            var why = string.Join("; ", candidates.Select(c => $"{c.Spec.Name}: {WhyNot(c.Facts, excluded.Contains(c.Spec.Name))}"));
            return new RouteDecision(null, $"no model can take {request.Purpose} now ({why})");
        }

        var preferCloud = request.Tier == ComplexityTier.Complex;
        var best = usable
            .OrderBy(c => c.Spec.Cloud == preferCloud ? 0 : 1)
            .ThenBy(c => c.Facts.EndpointHealthy == true ? 0 : 1)
            .ThenBy(c => c.Spec.Cloud || c.Facts.Warm ? 0 : 1)
            .ThenBy(c => (double)c.Facts.ActiveLeases / c.Spec.Config.MaxConcurrency)
            .ThenBy(c => c.Spec.Config.SupportsTools ? 0 : 1)
            .ThenBy(c => c.Order)
            .First();
        return new RouteDecision(best.Spec, $"{request.Purpose} -> {best.Spec.Name} on {best.Spec.Endpoint.Name}: {Because(best.Spec, best.Facts, request.Tier, usable.Count < candidates.Count)}");
    }

    private static bool Usable(ModelFacts facts) => facts.EndpointHealthy != false && facts.Available != false && !facts.CircuitOpen;

    private static string WhyNot(ModelFacts facts, bool excluded) =>
        excluded ? "failed already"
        : facts.EndpointHealthy == false ? "endpoint down"
        : facts.Available == false ? "not available on its endpoint"
        : facts.CircuitOpen ? "endpoint resting after failures"
        : "usable";

    private static string Because(ModelSpec spec, ModelFacts facts, ComplexityTier tier, bool fellBack)
    {
        var parts = new List<string>();
        if (!spec.Cloud)
        {
            parts.Add(facts.Warm ? "warm" : "cold");
        }
        else
        {
            parts.Add("cloud");
        }

        parts.Add($"tier {tier.ToString().ToLowerInvariant()}");
        if (facts.ActiveLeases > 0)
        {
            parts.Add($"{facts.ActiveLeases} of {spec.Config.MaxConcurrency} in use");
        }

        if (fellBack)
        {
            parts.Add("others unavailable");
        }

        return string.Join(", ", parts);
    }
}
