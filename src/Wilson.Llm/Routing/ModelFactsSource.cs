using Wilson.Llm.Lifecycle;
using Wilson.Llm.Registry;

namespace Wilson.Llm.Routing;

/// <summary>What the registry, the lifecycle and the circuit breakers know now, as the router reads it.</summary>
public sealed class ModelFactsSource(ModelCatalog catalog, ModelRegistry registry, ModelLifecycle lifecycle, EndpointResilience resilience)
{
    public IReadOnlyDictionary<string, ModelFacts> Snapshot()
    {
        var facts = new Dictionary<string, ModelFacts>(StringComparer.Ordinal);
        foreach (var (name, spec) in catalog.Models)
        {
            var status = registry.StatusOf(spec.Endpoint.Name);
            var (loaded, references) = lifecycle.StateOf(name);
            facts[name] = new ModelFacts(
                status?.Healthy,
                // A cloud endpoint's model list may name models differently (aliases, dated versions): not a reason to skip one.
                status is { Healthy: true } && !spec.Cloud ? Lists(status, name) : null,
                loaded || (status?.IsLoaded(name) ?? false) || status?.IsLoaded(WithTag(name)) == true,
                references,
                resilience.IsOpen(spec.Endpoint.Name));
        }

        return facts;
    }

    // Ollama lists an untagged model as name:latest.
    private static bool Lists(EndpointStatus status, string name) => status.Has(name) || status.Has(WithTag(name));

    private static string WithTag(string name) => name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
}
