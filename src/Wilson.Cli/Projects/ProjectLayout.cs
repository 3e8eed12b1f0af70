using Wilson.Core.Configuration;

namespace Wilson.Cli.Projects;

/// <summary>Where Wilson keeps its files in a repository: everything lives under <c>.wilson/</c>.</summary>
internal sealed record ProjectLayout(string Root)
{
    public const string DirectoryName = ".wilson";

    public string WilsonDirectory => Path.Combine(Root, DirectoryName);

    public string ConfigFile => Path.Combine(WilsonDirectory, ProjectConfigFile.FileName);

    public string PipelinesDirectory => Path.Combine(WilsonDirectory, "pipelines");

    public string PipelinesReadme => Path.Combine(PipelinesDirectory, "README.md");

    public string GitIgnore => Path.Combine(WilsonDirectory, ".gitignore");

    /// <summary>The embedded SQLite database used when no other is configured.</summary>
    public string DefaultDatabase => Path.Combine(WilsonDirectory, "wilson.db");

    /// <summary><paramref name="path"/> relative to the root, with forward slashes, for messages.</summary>
    public string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>The project whose <c>.wilson/wilson.yaml</c> is in <paramref name="directory"/> or the nearest parent.</summary>
    public static ProjectLayout? FindFrom(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            var layout = new ProjectLayout(current.FullName);
            if (File.Exists(layout.ConfigFile))
            {
                return layout;
            }
        }

        return null;
    }
}
