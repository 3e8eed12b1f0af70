using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>
/// The outermost middleware: reads the body once, records the request, ties the request's
/// cancellation to the server's stopping, and is the boundary where an unexpected exception
/// becomes a plain 500 (or an aborted stream) instead of an unobserved failure.
/// </summary>
internal sealed class RequestRecorder(FakeModelServer server)
{
    private const string BodyKey = "fake-model-server.body";

    /// <summary>The request body read by the recorder.</summary>
    public static string BodyOf(HttpContext context) => context.Items[BodyKey] as string ?? "";

    /// <summary>The protocol a path belongs to.</summary>
    public static string ProtocolOf(HttpRequest request) => request.Path.Value switch
    {
        { } path when path.StartsWith("/v1/messages", StringComparison.OrdinalIgnoreCase) => "anthropic",
        { } path when path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) =>
            request.Headers.ContainsKey("anthropic-version") ? "anthropic" : "openai",
        _ => "ollama",
    };

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
        context.RequestAborted = linked.Token;
        try
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Items[BodyKey] = body;
            server.Record(new RecordedRequest(
                ProtocolOf(context.Request),
                context.Request.Method,
                context.Request.Path.Value ?? "/",
                ModelOf(body),
                body,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                server.Time.GetUtcNow()));
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away, or the server is stopping: close the connection rather than let
            // Kestrel complete a response that was never written as if it were a 200.
            context.Abort();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"fake model server: {e.Message}", CancellationToken.None);
        }
    }

    private static string? ModelOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? HttpJson.String(document.RootElement, "model") ?? HttpJson.String(document.RootElement, "name")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
