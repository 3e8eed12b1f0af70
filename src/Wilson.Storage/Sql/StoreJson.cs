using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wilson.Storage.Sql;

/// <summary>How the store writes the JSON columns and event payloads: camelCase, enums as strings.</summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"the store holds JSON that does not read as {typeof(T).Name}: {json}");
}
