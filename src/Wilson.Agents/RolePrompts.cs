using Wilson.Core.Configuration;

namespace Wilson.Agents;

/// <summary>
/// The system prompts of the roles: the core principles, then the role's own text, both shipped as
/// markdown files; a project replaces any of them with <c>.wilson/prompts/&lt;name&gt;.md</c>
/// (<c>principles.md</c> included).
/// </summary>
public static class RolePrompts
{
    public const string Principles = "principles";

    public static readonly IReadOnlyList<string> Roles = Wilson.Core.Roles.RoleCatalog.Roles;

    /// <summary>The system prompt of <paramref name="role"/>, with the project's overrides from <paramref name="projectPrompts"/> if given.</summary>
    /// <exception cref="ArgumentException">An unknown role, naming the closest.</exception>
    public static string For(string role, string? projectPrompts = null)
    {
        if (!Roles.Contains(role))
        {
            throw new ArgumentException($"unknown role '{role}'{Suggestions.DidYouMean(role, Roles)}; roles: {string.Join(", ", Roles)}", nameof(role));
        }

        return $"{Text(Principles, projectPrompts).TrimEnd()}\n\n{Text(role, projectPrompts).TrimEnd()}\n";
    }

    private static string Text(string name, string? projectPrompts)
    {
        if (projectPrompts is not null && File.Exists(Path.Combine(projectPrompts, $"{name}.md")))
        {
            return File.ReadAllText(Path.Combine(projectPrompts, $"{name}.md"));
        }

        using var stream = typeof(RolePrompts).Assembly.GetManifestResourceStream($"Wilson.Agents.Prompts.{name}.md")
            ?? throw new InvalidOperationException($"the prompt {name}.md is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
