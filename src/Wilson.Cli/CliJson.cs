using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Wilson.Core.Items;

namespace Wilson.Cli;

/// <summary>The JSON the CLI writes: camelCase names, enums as their names (as the store writes them).</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Indented = Create(writeIndented: true);

    public static readonly JsonSerializerOptions Compact = Create(writeIndented: false);

    private static JsonSerializerOptions Create(bool writeIndented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = writeIndented,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WriteProgressAsObject } },
    };

    // WorkItem.Progress is a value tuple, which System.Text.Json writes as {}: write {done, total}.
    private static void WriteProgressAsObject(JsonTypeInfo info)
    {
        if (info.Type != typeof(WorkItem))
        {
            return;
        }

        for (var i = 0; i < info.Properties.Count; i++)
        {
            if (info.Properties[i].Name == "progress")
            {
                var progress = info.CreateJsonPropertyInfo(typeof(ChecklistProgress), "progress");
                progress.Get = item =>
                {
                    var (done, total) = ((WorkItem)item).Progress;
                    return new ChecklistProgress(done, total);
                };
                info.Properties[i] = progress;
            }
        }
    }
}
