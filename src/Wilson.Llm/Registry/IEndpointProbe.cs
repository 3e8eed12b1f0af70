namespace Wilson.Llm.Registry;

/// <summary>Checks one endpoint: is it up, what does it have, what is loaded.</summary>
public interface IEndpointProbe
{
    /// <summary>Never throws for a down endpoint: the status says so, with the reason.</summary>
    Task<EndpointStatus> ProbeAsync(ModelEndpoint endpoint, CancellationToken cancellationToken);
}
