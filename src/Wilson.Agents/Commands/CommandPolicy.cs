using System.Text.RegularExpressions;

namespace Wilson.Agents.Commands;

/// <summary>
/// Commands an agent may not run, each with the reason it is told. The defaults refuse what can
/// destroy more than the worktree: wiping / or ~, force-pushing the default branch, formatting or
/// overwriting a device, piping a download into a shell, sudo. A project can add its own.
/// </summary>
public sealed class CommandPolicy
{
    private readonly IReadOnlyList<(Regex Pattern, string Reason)> _refused;

    public CommandPolicy(IReadOnlyList<(Regex Pattern, string Reason)> refused) => _refused = refused;

    /// <summary>The default rules, with <paramref name="defaultBranch"/> as the branch never force-pushed.</summary>
    public static CommandPolicy Default(string defaultBranch) => new(DefaultRules(defaultBranch));

    /// <summary>The default rules plus <paramref name="extra"/>.</summary>
    public CommandPolicy With(IEnumerable<(Regex Pattern, string Reason)> extra) => new([.. _refused, .. extra]);

    /// <summary>Why <paramref name="command"/> is refused, or null if it may run.</summary>
    public string? WhyRefused(string command) =>
        _refused.FirstOrDefault(rule => rule.Pattern.IsMatch(command)) is { Reason: { } reason } ? reason : null;

    private static List<(Regex, string)> DefaultRules(string defaultBranch)
    {
        var branch = Regex.Escape(defaultBranch);
        const RegexOptions options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;
        var timeout = TimeSpan.FromMilliseconds(100);
        return
        [
            (new Regex(@"\brm\s+(-{1,2}[\w-]+\s+)*(/|/\*|~|~/|~/\*|\$HOME|\$\{HOME\})(\s|;|&|\||$)", options, timeout),
                "it deletes the root or the home directory; delete files inside the worktree by name instead"),
            (new Regex(@"\bgit\s+push\b(?=.*(\s--force\b|\s-f\b|\s--force-with-lease\b|\s\+)).*\b" + branch + @"\b", options, timeout),
                $"it force-pushes {defaultBranch}, the default branch; Wilson merges into it itself"),
            (new Regex(@"\bmkfs(\.\w+)?\b", options, timeout), "it formats a file system"),
            (new Regex(@"\bdd\b[^;&|]*\bof=/dev/", options, timeout), "it writes straight to a device"),
            (new Regex(@"\b(curl|wget)\b[^;&]*\|\s*(sudo\s+)?(ba|z|da|k)?sh\b", options, timeout),
                "it runs a downloaded script without looking at it; download it into the worktree and read it first"),
            (new Regex(@"(^|[;&|(]\s*|\s)sudo\b", options, timeout), "it asks for root; Wilson's agents run without it"),
        ];
    }
}
