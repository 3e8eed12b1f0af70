using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Wilson.Testing.Models;

/// <summary>OpenAI's chat completions API (as OpenAI, Groq, vLLM or Ollama's <c>/v1</c> serve it) and its model list.</summary>
internal static class OpenAiEndpoints
{
    public static void MapOpenAiEndpoints(this IEndpointRouteBuilder app, FakeModelServer server)
    {
        app.MapGet("/v1/models", context => ModelsAsync(context, server));
        app.MapPost("/v1/chat/completions", context => CompletionsAsync(context, server));
    }

    /// <summary>True when the request carries the required key, if any; writes the 401 otherwise.</summary>
    private static async Task<bool> AuthorizedAsync(HttpContext context, FakeModelServer server)
    {
        if (server.RequiredApiKey is not { } key
            || string.Equals(context.Request.Headers.Authorization.ToString(), $"Bearer {key}", StringComparison.Ordinal))
        {
            return true;
        }

        await OpenAiErrors.WriteAsync(context, ProtocolError.Unauthorized, "");
        return false;
    }

    private static async Task ModelsAsync(HttpContext context, FakeModelServer server)
    {
        if (context.Request.Headers.ContainsKey("anthropic-version"))
        {
            await AnthropicEndpoints.ModelsAsync(context, server);
            return;
        }

        if (!await AuthorizedAsync(context, server))
        {
            return;
        }

        var outcome = await FaultResponder.ApplyAsync(server, context, null, answering: false, OpenAiErrors.WriteAsync);
        if (outcome.Answered)
        {
            return;
        }

        var created = HttpJson.UnixSeconds(server.StartedAt);
        var list = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. server.Script.ModelsNow().Select(model => (JsonNode)new JsonObject
            {
                ["id"] = model.Name,
                ["object"] = "model",
                ["created"] = created,
                ["owned_by"] = "fake",
            })]),
        };
        await AnswerWriter.WholeAsync(context, list, outcome.Fault, 1, server.Time);
    }

    private static async Task CompletionsAsync(HttpContext context, FakeModelServer server)
    {
        if (!await AuthorizedAsync(context, server))
        {
            return;
        }

        if (HttpJson.ParseObject(context, out var invalid) is not { } body)
        {
            await OpenAiErrors.WriteAsync(context, ProtocolError.BadRequest, invalid);
            return;
        }

        if (HttpJson.String(body, "model") is not { Length: > 0 } name)
        {
            await OpenAiErrors.WriteAsync(context, ProtocolError.BadRequest, "you must provide a model parameter");
            return;
        }

        if (!HttpJson.HasItems(body, "messages"))
        {
            await OpenAiErrors.WriteAsync(context, ProtocolError.BadRequest, "'messages' must contain at least one message");
            return;
        }

        if (await FaultResponder.ModelOrAnsweredAsync(server, context, name, answering: true, OpenAiErrors.WriteAsync) is not { } found)
        {
            return;
        }

        var (outcome, model) = found;

        var conversation = OpenAiConversation.Read(name, body);
        if (conversation.OffersTools && !model.SupportsTools)
        {
            await OpenAiErrors.WriteAsync(context, ProtocolError.BadRequest, $"{name} does not support tools");
            return;
        }

        server.LoadState.Load(model, KeepAlive.Default);
        var answer = server.Answer(conversation, idPrefix: "call_");
        var id = server.Ids.Next("chatcmpl-");
        if (HttpJson.Bool(body, "stream", fallback: false))
        {
            var includeUsage = HttpJson.Property(body, "stream_options", out var options) && HttpJson.Bool(options, "include_usage", fallback: false);
            var stream = new OpenAiStream(context, id, name, answer, includeUsage, server.Time);
            await AnswerWriter.StreamAsync(context, stream, answer, outcome.Fault, server.Time);
            return;
        }

        var completion = OpenAiJson.Completion(id, name, answer, server.Time.GetUtcNow());
        await AnswerWriter.WholeAsync(context, completion, outcome.Fault, AnswerWriter.ChunksOf(answer), server.Time);
    }
}
