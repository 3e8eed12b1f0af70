namespace Wilson.Core.Configuration;

/// <summary>A configuration or pipeline file Wilson refuses, naming the file, the line and the key.</summary>
public sealed class ConfigFormatException(string file, int line, string key, string problem)
    : Exception($"{file}:{line}: {key}: {problem}")
{
    public string File { get; } = file;

    /// <summary>1-based line of the offending node.</summary>
    public int Line { get; } = line;

    /// <summary>The key path, e.g. <c>stages[2].role</c>.</summary>
    public string Key { get; } = key;

    public string Problem { get; } = problem;
}
