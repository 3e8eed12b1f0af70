using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>Server-sent events as OpenAI and Anthropic stream them; each event is flushed at once.</summary>
internal static class Sse
{
    public static Task StartAsync(HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        return context.Response.StartAsync(cancellationToken);
    }

    /// <summary>Writes one event: an optional <c>event:</c> line, a <c>data:</c> line, a blank line.</summary>
    public static async Task EventAsync(HttpContext context, string? name, string data, CancellationToken cancellationToken)
    {
        var text = name is null ? $"data: {data}\n\n" : $"event: {name}\ndata: {data}\n\n";
        await context.Response.WriteAsync(text, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
