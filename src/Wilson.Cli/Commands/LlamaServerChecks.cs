using Wilson.Llm;
using Wilson.Llm.Registry;

namespace Wilson.Cli.Commands;

/// <summary>
/// What <c>wilson doctor</c> checks of an OpenAI-compatible server on this side of the cloud (llama.cpp's
/// llama-server, LM Studio, vLLM): that it serves each model wilson.yaml gives it, and, for llama.cpp (which says
/// at <c>/props</c>), that each model's <c>num_ctx</c> fits the server's context and its slots are enough for
/// the calls Wilson may make at once. A server without <c>/props</c> is not llama.cpp, which is no fault.
/// </summary>
internal static class LlamaServerChecks
{
    public static IEnumerable<DoctorCheck> For(ModelEndpoint endpoint, EndpointStatus status, IReadOnlyList<ModelSpec> models)
    {
        if (!status.Healthy || models.Count == 0)
        {
            yield break;
        }

        foreach (var model in models)
        {
            yield return Served(endpoint, status, model);
        }

        if (status.LlamaServer is not { } server)
        {
            yield break;
        }

        foreach (var model in models)
        {
            yield return Context(endpoint, server.ContextLength, server.Slots, model);
        }

        if (server.Slots is { } slots)
        {
            var calls = models.Sum(m => m.Config.MaxConcurrency);
            yield return slots >= calls
                ? DoctorCheck.Pass($"slots {endpoint.Name}", $"{Count(slots, "slot")} for up to {Count(calls, "call")} at once (max_concurrency)")
                : DoctorCheck.Warn($"slots {endpoint.Name}",
                    $"llama-server at {endpoint.BaseUrl} has {Count(slots, "slot")} but its models may take {Count(calls, "call")} at once (max_concurrency): the others wait",
                    $"start llama-server with --parallel {calls}, or lower max_concurrency");
        }
    }

    private static DoctorCheck Served(ModelEndpoint endpoint, EndpointStatus status, ModelSpec model)
    {
        var name = $"model {model.Name}";
        if (status.Has(model.Name))
        {
            return DoctorCheck.Pass(name, $"served by {endpoint.Name}{(status.IsLoaded(model.Name) ? ", loaded" : "")}");
        }

        var served = status.Pulled.Count == 0 ? "no model" : string.Join(", ", status.Pulled.Select(m => m.Name));
        return DoctorCheck.Fail(name, $"not served by {endpoint.Name}, which serves {served}",
            status.LlamaServer is not null
                ? $"start llama-server with --alias {model.Name}, or name the model {(status.Pulled.Count > 0 ? status.Pulled[0].Name : "as the server does")} in wilson.yaml"
                : "name the model in wilson.yaml as the server lists it, or load it on the server");
    }

    private static DoctorCheck Context(ModelEndpoint endpoint, int served, int? slots, ModelSpec model)
    {
        var name = $"context {model.Name}";
        if (model.Config.NumCtx is not { } wanted)
        {
            return DoctorCheck.Pass(name, $"{served} tokens of context on {endpoint.Name} (num_ctx not set: the server's)");
        }

        if (wanted <= served)
        {
            return DoctorCheck.Pass(name, $"num_ctx {wanted} fits the {served} tokens of context {endpoint.Name} serves");
        }

        // llama-server splits -c between its slots unless the cache is unified.
        var perSlot = slots is > 1 ? $" (that is per slot: with --parallel {slots} and no --kv-unified, -c {(long)wanted * slots.Value})" : "";
        return DoctorCheck.Fail(name,
            $"models.models.{model.Name}.num_ctx is {wanted} but the server at {endpoint.BaseUrl} serves {served} tokens of context: lower num_ctx or start llama-server with -c {wanted}",
            $"lower num_ctx to {served}, or restart llama-server with -c {wanted}{perSlot}");
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
