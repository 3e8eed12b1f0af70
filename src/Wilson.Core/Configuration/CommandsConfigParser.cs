using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Configuration;

/// <summary>Reads the <c>commands</c> section strictly: every error names its key and line.</summary>
public static class CommandsConfigParser
{
    private const string Section = "commands";
    private static readonly string[] Keys = ["silence_warning", "silence_kill", "deadline", "sandbox", "allow_network", "refuse"];
    private static readonly string[] RefuseKeys = ["pattern", "reason"];

    public static CommandsConfig Parse(StrictYamlReader reader, YamlMappingNode section)
    {
        reader.RequireKnownKeys(section, Section, Keys);
        var defaults = CommandsConfig.Default;
        var config = defaults with
        {
            SilenceWarning = Positive(reader, section, "silence_warning") ?? defaults.SilenceWarning,
            SilenceKill = Positive(reader, section, "silence_kill") ?? defaults.SilenceKill,
            Deadline = Positive(reader, section, "deadline") ?? defaults.Deadline,
            Sandbox = reader.GetBool(section, Section, "sandbox") ?? defaults.Sandbox,
            AllowNetwork = reader.GetBool(section, Section, "allow_network") ?? defaults.AllowNetwork,
            Refuse = reader.GetSequence(section, Section, "refuse") is { } list ? [.. list.Children.Select((node, i) => Refused(reader, node, i))] : [],
        };
        if (config.SilenceKill < config.SilenceWarning)
        {
            throw reader.Error(StrictYamlReader.Find(section, "silence_kill") ?? section, $"{Section}.silence_kill",
                $"must be at least silence_warning ({DurationText.Format(config.SilenceWarning)})");
        }

        return config;
    }

    private static RefusedCommand Refused(StrictYamlReader reader, YamlNode node, int index)
    {
        var path = $"{Section}.refuse[{index}]";
        if (node is not YamlMappingNode map)
        {
            throw reader.Error(node, path, "expected pattern: and reason:");
        }

        reader.RequireKnownKeys(map, path, RefuseKeys);
        var pattern = reader.RequireString(map, path, "pattern");
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException ex)
        {
            throw reader.Error(StrictYamlReader.Find(map, "pattern")!, $"{path}.pattern", $"not a regular expression: {ex.Message}");
        }

        return new RefusedCommand(pattern, reader.RequireString(map, path, "reason"));
    }

    private static TimeSpan? Positive(StrictYamlReader reader, YamlMappingNode map, string key) =>
        reader.GetDuration(map, Section, key) switch
        {
            { } value when value <= TimeSpan.Zero => throw reader.Error(StrictYamlReader.Find(map, key)!, $"{Section}.{key}", "must be more than zero"),
            var value => value,
        };
}
