using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Wilson.Core.Items;
using Wilson.Core.Workflow;

namespace Wilson.Storage.Sql;

/// <summary>How the store writes the JSON columns and event payloads: camelCase, enums as strings.</summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // WorkStatus is a small enum numbered from 0: its names, looked up instead of formatted on every write.
    private static readonly string[] StatusNames = Enum.GetValues<WorkStatus>().Select(s => s.ToString()).ToArray();

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// The payload of an <c>item.transitioned</c> event: <c>{"from":{"stage","status"},"to":{...},"reason","details"}</c>
    /// (details left out when null). Written field by field: every claim and completion writes one, and the
    /// serializer's reflection over nested anonymous objects cost several times more.
    /// </summary>
    public static string WriteTransition(Transition transition, object? details)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder }))
        {
            writer.WriteStartObject();
            WritePlace(writer, "from", transition.FromStage, transition.FromStatus);
            WritePlace(writer, "to", transition.ToStage, transition.ToStatus);
            writer.WriteString("reason", transition.Reason);
            if (details is not null)
            {
                writer.WritePropertyName("details");
                JsonSerializer.Serialize(writer, details, details.GetType(), Options);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WritePlace(Utf8JsonWriter writer, string name, string stage, WorkStatus status)
    {
        writer.WriteStartObject(name);
        writer.WriteString("stage", stage);
        writer.WriteString("status", StatusNames[(int)status]);
        writer.WriteEndObject();
    }

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"the store holds JSON that does not read as {typeof(T).Name}: {json}");
}
