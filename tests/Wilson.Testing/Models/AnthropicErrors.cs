using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>Anthropic's error responses: <c>{"type":"error","error":{"type","message"}}</c>.</summary>
internal static class AnthropicErrors
{
    public static Task WriteAsync(HttpContext context, ProtocolError error, string detail)
    {
        var (status, type, message) = error switch
        {
            ProtocolError.BadRequest => (StatusCodes.Status400BadRequest, "invalid_request_error", detail),
            ProtocolError.Unauthorized => (StatusCodes.Status401Unauthorized, "authentication_error", "invalid x-api-key"),
            ProtocolError.NotFound => (StatusCodes.Status404NotFound, "not_found_error", $"model: {detail}"),
            ProtocolError.RateLimited => (StatusCodes.Status429TooManyRequests, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit"),
            ProtocolError.OutOfMemory => (StatusCodes.Status500InternalServerError, "api_error", HttpJson.OutOfMemoryMessage),
            _ => (StatusCodes.Status500InternalServerError, "api_error", "Internal server error"),
        };
        return HttpJson.WriteAsync(context, status, new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        });
    }
}
