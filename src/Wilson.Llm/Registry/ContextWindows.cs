namespace Wilson.Llm.Registry;

/// <summary>
/// How many tokens of context each model has, so that a conversation can be kept inside it: the configured
/// <c>num_ctx</c> first, else what the model's endpoint reported at its last check (see
/// <see cref="EndpointStatus.ContextLengthOf"/>). Wilson loads an Ollama model with its <c>num_ctx</c>, so that
/// is the window; any other server decides for itself, so a smaller window it reports wins over the setting.
/// </summary>
public sealed class ContextWindows(ModelCatalog catalog, ModelRegistry registry)
{
    /// <summary>The context window of <paramref name="model"/> in tokens; null when neither wilson.yaml nor its endpoint says.</summary>
    /// <exception cref="ArgumentException">No such model in the catalog.</exception>
    public int? Of(string model)
    {
        if (!catalog.Models.TryGetValue(model, out var spec))
        {
            throw new ArgumentException($"no model named '{model}' is configured", nameof(model));
        }

        var configured = spec.Config.NumCtx;
        if (configured is not null && spec.Endpoint.Protocol == ModelProtocol.Ollama)
        {
            return configured;
        }

        var reported = registry.StatusOf(spec.Endpoint.Name) is { Healthy: true } status
            ? status.ContextLengthOf(model) ?? status.ContextLengthOf(model + ":latest")
            : null;
        return configured is { } setting && reported is { } served ? Math.Min(setting, served) : configured ?? reported;
    }

    /// <summary>
    /// The smallest known window among the models that may take a call for <paramref name="purpose"/>, in tokens
    /// (any of them may answer, fallbacks included); null when none is known or the purpose has no models.
    /// </summary>
    public int? ForPurpose(string purpose) =>
        catalog.Purposes.TryGetValue(purpose, out var models) ? models.Select(Of).Min() : null;
}
