using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>OpenAI's error responses: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiErrors
{
    public static Task WriteAsync(HttpContext context, ProtocolError error, string detail)
    {
        var (status, message, type, code) = error switch
        {
            ProtocolError.BadRequest => (StatusCodes.Status400BadRequest, detail, "invalid_request_error", null),
            ProtocolError.Unauthorized => (StatusCodes.Status401Unauthorized, "Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
            ProtocolError.NotFound => (StatusCodes.Status404NotFound, $"The model `{detail}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"),
            ProtocolError.RateLimited => (StatusCodes.Status429TooManyRequests, "Rate limit reached for requests. Please try again later.", "rate_limit_exceeded", "rate_limit_exceeded"),
            ProtocolError.OutOfMemory => (StatusCodes.Status500InternalServerError, HttpJson.OutOfMemoryMessage, "server_error", null),
            _ => (StatusCodes.Status500InternalServerError, "The server had an error while processing your request. Sorry about that!", "server_error", (string?)null),
        };
        return HttpJson.WriteAsync(context, status, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        });
    }
}
