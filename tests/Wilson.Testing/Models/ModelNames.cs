namespace Wilson.Testing.Models;

/// <summary>Model names as Ollama compares them: a name without a tag means <c>:latest</c>.</summary>
internal static class ModelNames
{
    public static string WithTag(string name) => name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";

    public static bool Same(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal) || string.Equals(WithTag(a), WithTag(b), StringComparison.Ordinal);
}
