namespace Wilson.Llm;

/// <summary>
/// Something that changed about the models: an endpoint went down, a model loaded, a call was queued or
/// routed. <see cref="Type"/> is a dotted name (<c>model.loaded</c>); <see cref="Message"/> reads as a sentence.
/// </summary>
public sealed record ModelEvent(string Type, string Message, string? Endpoint = null, string? Model = null)
{
    public const string EndpointUp = "model.endpoint_up";
    public const string EndpointDown = "model.endpoint_down";
    public const string Pulled = "model.pulled";
    public const string Removed = "model.removed";
    public const string Loaded = "model.loaded";
    public const string Unloaded = "model.unloaded";
    public const string Queued = "model.queued";
    public const string LoadFailed = "model.load_failed";
}
