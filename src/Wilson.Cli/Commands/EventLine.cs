using System.Text.Json;
using Wilson.Core.Events;

namespace Wilson.Cli.Commands;

/// <summary>One event as <c>wilson events --json</c> writes it: one object per line, the payload as JSON, not a string.</summary>
internal sealed record EventLine(long Sequence, DateTimeOffset At, string Actor, string? Item, string Type, JsonElement Payload)
{
    public static EventLine From(WorkEvent e) =>
        new(e.Sequence, e.At, e.Actor.ToString(), e.ItemKey, e.Type, ParsePayload(e.PayloadJson));

    private static JsonElement ParsePayload(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }
}
