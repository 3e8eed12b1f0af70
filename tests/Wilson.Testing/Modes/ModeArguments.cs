using System.Globalization;

namespace Wilson.Testing.Modes;

/// <summary>The <c>--name value</c> pairs a test passes to a mode.</summary>
internal sealed class ModeArguments(Dictionary<string, string> values)
{
    public static ModeArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new ModeArguments(values);
    }

    public string Get(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing --{name}");

    public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int GetInt(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
