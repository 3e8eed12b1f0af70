
namespace Wilson.Llm;

/// <summary>The ready-made <c>models</c> sections <c>wilson init --profile</c> writes, shipped as files in Profiles/.</summary>
public static class MachineProfiles
{
    /// <summary>The profiles: Ollama's for each size of machine, smallest first, then the cloud and llama.cpp's llama-server.</summary>
    public static readonly IReadOnlyList<string> Names = ["low", "mid", "high", "cloud", "llama-cpp"];

    /// <summary>The profile's <c>models</c> section, with its comments.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static string Text(string name)
    {
        if (!Names.Contains(name))
        {
            throw new ArgumentException($"unknown profile '{name}'; known profiles: {string.Join(", ", Names)}", nameof(name));
        }

        using var stream = typeof(MachineProfiles).Assembly.GetManifestResourceStream($"Wilson.Llm.Profiles.{name}.yaml")
            ?? throw new InvalidOperationException($"the profile {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The local profile that fits a machine with <paramref name="memoryBytes"/> of memory.</summary>
    public static string ForMemory(long memoryBytes) =>
        memoryBytes >= 28L << 30 ? "high" : memoryBytes >= 14L << 30 ? "mid" : "low";
}
