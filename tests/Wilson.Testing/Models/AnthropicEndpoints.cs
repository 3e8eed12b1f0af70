using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Wilson.Testing.Models;

/// <summary>Anthropic's messages API; its model list shares <c>/v1/models</c> with OpenAI's and is told apart by the <c>anthropic-version</c> header.</summary>
internal static class AnthropicEndpoints
{
    public static void MapAnthropicEndpoints(this IEndpointRouteBuilder app, FakeModelServer server) =>
        app.MapPost("/v1/messages", context => MessagesAsync(context, server));

    public static async Task ModelsAsync(HttpContext context, FakeModelServer server)
    {
        if (!await AuthorizedAsync(context, server))
        {
            return;
        }

        var outcome = await FaultResponder.ApplyAsync(server, context, null, answering: false, AnthropicErrors.WriteAsync);
        if (outcome.Answered)
        {
            return;
        }

        var models = server.Script.ModelsNow();
        var list = new JsonObject
        {
            ["data"] = new JsonArray([.. models.Select(model => (JsonNode)new JsonObject
            {
                ["type"] = "model",
                ["id"] = model.Name,
                ["display_name"] = model.Name,
                ["created_at"] = HttpJson.GoTime(server.StartedAt),
            })]),
            ["has_more"] = false,
            ["first_id"] = models.Count > 0 ? models[0].Name : null,
            ["last_id"] = models.Count > 0 ? models[^1].Name : null,
        };
        await AnswerWriter.WholeAsync(context, list, outcome.Fault, 1, server.Time);
    }

    /// <summary>
    /// True when the request carries the required key, if any; writes the 401 otherwise. The API takes
    /// <c>x-api-key</c>; the official C# SDK (13.x) sends the same key as <c>Authorization: Bearer</c>.
    /// </summary>
    private static async Task<bool> AuthorizedAsync(HttpContext context, FakeModelServer server)
    {
        if (server.RequiredApiKey is not { } key
            || string.Equals(context.Request.Headers["x-api-key"].ToString(), key, StringComparison.Ordinal)
            || string.Equals(context.Request.Headers.Authorization.ToString(), $"Bearer {key}", StringComparison.Ordinal))
        {
            return true;
        }

        await AnthropicErrors.WriteAsync(context, ProtocolError.Unauthorized, "");
        return false;
    }

    private static async Task MessagesAsync(HttpContext context, FakeModelServer server)
    {
        if (!await AuthorizedAsync(context, server))
        {
            return;
        }

        if (!context.Request.Headers.ContainsKey("anthropic-version"))
        {
            await AnthropicErrors.WriteAsync(context, ProtocolError.BadRequest, "anthropic-version: header is required");
            return;
        }

        if (HttpJson.ParseObject(context, out var invalid) is not { } body)
        {
            await AnthropicErrors.WriteAsync(context, ProtocolError.BadRequest, invalid);
            return;
        }

        if (Missing(body) is { } missing)
        {
            await AnthropicErrors.WriteAsync(context, ProtocolError.BadRequest, $"{missing}: Field required");
            return;
        }

        var name = HttpJson.String(body, "model")!;
        if (await FaultResponder.ModelOrAnsweredAsync(server, context, name, answering: true, AnthropicErrors.WriteAsync) is not { } found)
        {
            return;
        }

        var (outcome, model) = found;

        var conversation = AnthropicConversation.Read(name, body);
        if (conversation.OffersTools && !model.SupportsTools)
        {
            await AnthropicErrors.WriteAsync(context, ProtocolError.BadRequest, $"{name} does not support tools");
            return;
        }

        server.LoadState.Load(model, KeepAlive.Default);
        var answer = server.Answer(conversation, idPrefix: "toolu_");
        var id = server.Ids.Next("msg_");
        if (HttpJson.Bool(body, "stream", fallback: false))
        {
            await AnswerWriter.StreamAsync(context, new AnthropicStream(context, id, name, answer), answer, outcome.Fault, server.Time);
            return;
        }

        var message = AnthropicJson.Message(id, name, answer, withContent: true);
        await AnswerWriter.WholeAsync(context, message, outcome.Fault, AnswerWriter.ChunksOf(answer), server.Time);
    }

    /// <summary>The first required field the body lacks, named as Anthropic names it.</summary>
    private static string? Missing(JsonElement body)
    {
        if (HttpJson.String(body, "model") is not { Length: > 0 })
        {
            return "model";
        }

        if (!HttpJson.Property(body, "max_tokens", out var maxTokens) || maxTokens.ValueKind != JsonValueKind.Number)
        {
            return "max_tokens";
        }

        return HttpJson.Property(body, "messages", out var messages) && messages.ValueKind == JsonValueKind.Array ? null : "messages";
    }
}
