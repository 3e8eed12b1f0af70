using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>JSON in and out of the fake server's endpoints.</summary>
internal static class HttpJson
{
    /// <summary>Leaves non-ASCII text readable; the wire stays valid JSON.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Ollama's out-of-memory message, used by every protocol for <see cref="FakeFaultKind.OutOfMemory"/>.</summary>
    public const string OutOfMemoryMessage = "model requires more system memory (5.6 GiB) than is available (3.1 GiB)";

    public static string Text(JsonNode node) => node.ToJsonString(Options);

    public static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(Text(body), context.RequestAborted);
    }

    /// <summary>The request body parsed as a JSON object, or null with the parser's complaint.</summary>
    public static JsonElement? ParseObject(HttpContext context, out string error)
    {
        var body = RequestRecorder.BodyOf(context);
        error = "";
        try
        {
            using var document = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }

            error = "the request body must be a JSON object";
        }
        catch (JsonException e)
        {
            error = $"invalid JSON in the request body: {e.Message}";
        }

        return null;
    }

    public static string? String(JsonElement element, string name) =>
        Property(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Bool(JsonElement element, string name, bool fallback) =>
        Property(element, name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    /// <summary>A whole number, clamped to <see cref="int"/>; null when absent or not a whole number.</summary>
    public static int? Int(JsonElement element, string name) =>
        Property(element, name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? (int)Math.Clamp(number, int.MinValue, int.MaxValue)
            : null;

    /// <summary>True when <paramref name="name"/> is a non-empty array.</summary>
    public static bool HasItems(JsonElement element, string name) =>
        Property(element, name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        Property(element, name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    /// <summary>Like <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>, but false (not an exception) when the element is not an object.</summary>
    public static bool Property(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value);
    }

    /// <summary>A time as Go writes it (RFC 3339, UTC, fraction without trailing zeros), as Ollama sends.</summary>
    public static string GoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Unix seconds, as OpenAI sends.</summary>
    public static long UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();
}
