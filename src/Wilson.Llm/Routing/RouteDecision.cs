namespace Wilson.Llm.Routing;

/// <summary>Which model a call goes to, or that it needs none, and why, in a sentence.</summary>
public sealed record RouteDecision(ModelSpec? Model, string Reason)
{
    /// <summary>True for trivial work: the caller runs the mechanical path without a model.</summary>
    public bool Mechanical => Model is null && Reason.StartsWith(ModelRouter.MechanicalPrefix, StringComparison.Ordinal);

    /// <summary>True when no model can take the call now.</summary>
    public bool NoModel => Model is null && !Mechanical;
}
