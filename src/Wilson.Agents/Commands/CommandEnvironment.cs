namespace Wilson.Agents.Commands;

/// <summary>
/// The environment a command runs with: the host's, less anything that looks like a secret (names with
/// KEY, TOKEN, SECRET or PASSWORD, and any the project names), plus <c>CI=true</c> and
/// <c>GIT_TERMINAL_PROMPT=0</c> so tools neither prompt nor wait for a person.
/// </summary>
public static class CommandEnvironment
{
    private static readonly string[] SecretWords = ["KEY", "TOKEN", "SECRET", "PASSWORD"];

    public static Dictionary<string, string> Scrub(IReadOnlyDictionary<string, string> host, IReadOnlyCollection<string>? alsoRemove = null)
    {
        var scrubbed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in host)
        {
            if (!LooksSecret(name) && alsoRemove?.Contains(name) != true)
            {
                scrubbed[name] = value;
            }
        }

        scrubbed["CI"] = "true";
        scrubbed["GIT_TERMINAL_PROMPT"] = "0";
        return scrubbed;
    }

    public static bool LooksSecret(string name) => SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
}
