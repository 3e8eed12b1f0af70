namespace Wilson.Llm.Routing;

/// <summary>What is known about one model at the moment of a routing decision.</summary>
/// <param name="EndpointHealthy">The endpoint's last check: true up, false down, null not checked yet.</param>
/// <param name="Available">The endpoint lists the model (Ollama: pulled); null when not known.</param>
/// <param name="Warm">Loaded now.</param>
/// <param name="ActiveLeases">Calls or runs holding it now.</param>
/// <param name="CircuitOpen">Its endpoint failed repeatedly and is resting.</param>
public sealed record ModelFacts(bool? EndpointHealthy, bool? Available, bool Warm, int ActiveLeases, bool CircuitOpen)
{
    /// <summary>Nothing known yet: assumed usable until a check says otherwise.</summary>
    public static readonly ModelFacts Unknown = new(null, null, false, 0, false);
}
