using System.Globalization;

namespace Wilson.Storage.Migrations;

/// <summary>The embedded migrations of one dialect, in version order.</summary>
internal static class MigrationSource
{
    public static IReadOnlyList<Migration> For(DatabaseKind kind)
    {
        var assembly = typeof(MigrationSource).Assembly;
        var prefix = $"Wilson.Storage.Migrations.{kind}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(fileName[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"migration {resource} is not named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, Path.GetFileNameWithoutExtension(fileName), reader.ReadToEnd()));
        }

        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version != i + 1)
            {
                throw new InvalidOperationException($"{kind} migrations must be numbered 1, 2, 3 ... without gaps; found {ordered[i].Name} at position {i + 1}");
            }
        }

        return ordered;
    }
}
