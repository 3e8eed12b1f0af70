using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Configuration;

/// <summary>
/// Reads a YAML file node by node so that every error names the file, the line and the key,
/// and an unknown key is an error rather than silently ignored.
/// </summary>
public sealed class StrictYamlReader(string file)
{
    public string File => file;

    /// <summary>Parses <paramref name="text"/>; the root must be a mapping.</summary>
    public YamlMappingNode ParseRoot(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ConfigFormatException(file, (int)ex.Start.Line, "(document)", $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigFormatException(file, 1, "(document)", "expected a mapping of keys to values");
        }

        return root;
    }

    public ConfigFormatException Error(YamlNode node, string key, string problem) =>
        new(file, (int)node.Start.Line, key, problem);

    /// <summary>Refuses any key of <paramref name="map"/> not in <paramref name="known"/>.</summary>
    public void RequireKnownKeys(YamlMappingNode map, string path, IReadOnlyCollection<string> known)
    {
        foreach (var (keyNode, _) in map.Children)
        {
            if (keyNode is not YamlScalarNode scalar)
            {
                throw Error(keyNode, path.Length == 0 ? "(document)" : path, "expected a plain name as key, not a list or mapping");
            }

            var key = scalar.Value ?? "";
            if (!known.Contains(key))
            {
                throw Error(keyNode, Join(path, key), $"unknown key{Suggestions.DidYouMean(key, known)}; known keys: {string.Join(", ", known)}");
            }
        }
    }

    public static YamlNode? Find(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public string? GetString(YamlMappingNode map, string path, string key)
    {
        var node = Find(map, key);
        return node switch
        {
            null => null,
            YamlScalarNode scalar => scalar.Value,
            _ => throw Error(node, Join(path, key), "expected a single value"),
        };
    }

    public string RequireString(YamlMappingNode map, string path, string key) =>
        GetString(map, path, key) is { Length: > 0 } value ? value : throw Error(map, Join(path, key), "is required");

    public bool? GetBool(YamlMappingNode map, string path, string key) =>
        GetString(map, path, key) switch
        {
            null => null,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw Error(Find(map, key)!, Join(path, key), $"expected true or false, not '{text}'"),
        };

    public int? GetInt(YamlMappingNode map, string path, string key, int min, int max) =>
        GetString(map, path, key) switch
        {
            null => null,
            var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max => value,
            var text => throw Error(Find(map, key)!, Join(path, key), $"expected a whole number from {min} to {max}, not '{text}'"),
        };

    public TimeSpan? GetDuration(YamlMappingNode map, string path, string key) =>
        GetString(map, path, key) switch
        {
            null => null,
            var text when DurationText.TryParse(text, out var value) => value,
            var text => throw Error(Find(map, key)!, Join(path, key), $"expected a duration like 30s, 5m or 1h, not '{text}'"),
        };

    public YamlMappingNode? GetMapping(YamlMappingNode map, string path, string key) =>
        Find(map, key) switch
        {
            null => null,
            YamlMappingNode mapping => mapping,
            YamlScalarNode { Value: null or "" } => null,
            var node => throw Error(node, Join(path, key), "expected a mapping of keys to values"),
        };

    public YamlSequenceNode? GetSequence(YamlMappingNode map, string path, string key) =>
        Find(map, key) switch
        {
            null => null,
            YamlSequenceNode sequence => sequence,
            var node => throw Error(node, Join(path, key), "expected a list"),
        };

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
