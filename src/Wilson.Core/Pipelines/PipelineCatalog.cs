using Wilson.Core.Configuration;

namespace Wilson.Core.Pipelines;

/// <summary>
/// The pipelines a project can use: the built-in <c>standard</c> and <c>tdd</c>, plus any in the
/// project's <c>.wilson/pipelines/*.yaml</c> (a project file of the same name replaces a built-in).
/// </summary>
public sealed class PipelineCatalog
{
    public const string DefaultPipeline = "standard";

    private readonly Dictionary<string, Pipeline> _pipelines;

    private PipelineCatalog(Dictionary<string, Pipeline> pipelines) => _pipelines = pipelines;

    public IReadOnlyCollection<Pipeline> All => _pipelines.Values;

    /// <summary>Only the built-in pipelines.</summary>
    public static PipelineCatalog BuiltIn() => new(LoadBuiltIns());

    /// <summary>
    /// The built-ins plus every <c>*.yaml</c> and <c>*.yml</c> in <paramref name="directory"/> (if it exists).
    /// Throws <see cref="ConfigFormatException"/> naming the file, line and key of the first bad file.
    /// </summary>
    public static PipelineCatalog Load(string? directory)
    {
        var pipelines = LoadBuiltIns();
        if (directory is null || !Directory.Exists(directory))
        {
            return new PipelineCatalog(pipelines);
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml"));
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var pipeline = PipelineParser.Parse(file, File.ReadAllText(file));
            if (seen.TryGetValue(pipeline.Name, out var other))
            {
                throw new ConfigFormatException(file, 1, "name", $"pipeline '{pipeline.Name}' is already defined in {other}");
            }

            seen[pipeline.Name] = file;
            pipelines[pipeline.Name] = pipeline;
        }

        return new PipelineCatalog(pipelines);
    }

    public Pipeline? Find(string name) => _pipelines.GetValueOrDefault(name);

    /// <summary>The pipeline named <paramref name="name"/>, or an error listing the ones there are.</summary>
    public Pipeline Get(string name) => Find(name) ?? throw new KeyNotFoundException(DescribeMissing(name));

    /// <summary>Why <paramref name="name"/> names no pipeline: "did you mean", then the pipelines there are.</summary>
    public string DescribeMissing(string name) =>
        $"no pipeline '{name}'{Suggestions.DidYouMean(name, _pipelines.Keys)}; pipelines: {string.Join(", ", _pipelines.Keys.Order(StringComparer.Ordinal))}";

    private static Dictionary<string, Pipeline> LoadBuiltIns()
    {
        var assembly = typeof(PipelineCatalog).Assembly;
        var pipelines = new Dictionary<string, Pipeline>(StringComparer.Ordinal);
        foreach (var name in new[] { "plan", "standard", "tdd" })
        {
            var resource = $"Wilson.Core.Pipelines.{name}.yaml";
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"built-in pipeline {resource} is missing from {assembly.GetName().Name}");
            using var reader = new StreamReader(stream);
            pipelines[name] = PipelineParser.Parse($"(built-in) {name}.yaml", reader.ReadToEnd());
        }

        return pipelines;
    }
}
