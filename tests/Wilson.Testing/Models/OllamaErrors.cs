using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>Ollama's error responses: <c>{"error":"..."}</c> with Ollama's own messages.</summary>
internal static class OllamaErrors
{
    public static Task WriteAsync(HttpContext context, ProtocolError error, string detail)
    {
        var (status, message) = error switch
        {
            ProtocolError.BadRequest => (StatusCodes.Status400BadRequest, detail),
            ProtocolError.Unauthorized => (StatusCodes.Status401Unauthorized, "unauthorized"),
            ProtocolError.NotFound => (StatusCodes.Status404NotFound, $"model \"{detail}\" not found, try pulling it first"),
            ProtocolError.RateLimited => (StatusCodes.Status429TooManyRequests, "server busy, please try again.  maximum pending requests exceeded"),
            ProtocolError.OutOfMemory => (StatusCodes.Status500InternalServerError, HttpJson.OutOfMemoryMessage),
            _ => (StatusCodes.Status500InternalServerError, "llama runner process has terminated: exit status 2"),
        };
        return HttpJson.WriteAsync(context, status, new JsonObject { ["error"] = message });
    }
}
