using Microsoft.Extensions.FileSystemGlobbing;
using Wilson.Agents.Workspaces;
using Wilson.Core.Roles;
using static Wilson.Agents.Running.ToolArguments;

namespace Wilson.Agents.Running;

/// <summary>
/// The tools a role holds, enforced here rather than asked for in its prompt: of the tools available, the
/// role is offered those its policy lists; the others are withheld (a call to one is answered with what the
/// role may do instead), and the writing tools touch only files in the role's territory.
/// </summary>
public static class RoleToolbox
{
    /// <summary>The tools of <paramref name="role"/> from <paramref name="available"/>: offered, withheld or confined by <paramref name="policy"/>.</summary>
    public static IReadOnlyList<AgentTool> For(string role, RolePolicy policy, IEnumerable<AgentTool> available)
    {
        var tools = available.ToList();
        var offered = tools.Where(t => t.Withheld is null && policy.Allows(t.Name)).Select(t => t.Name).ToList();
        return [.. tools.Select(tool => tool switch
        {
            { Withheld: not null } => tool,
            _ when !policy.Allows(tool.Name) => tool with { Withheld = $"{tool.Name} is not a tool of the {role}: {RoleCatalog.Job(role)}. Your tools: {string.Join(", ", offered)}, finish" },
            _ when ToolNames.Writing.Contains(tool.Name) => Confined(role, policy.Writes, tool),
            _ => tool,
        })];
    }

    private static AgentTool Confined(string role, IReadOnlyList<string> territory, AgentTool tool)
    {
        if (territory.Contains(RoleCatalog.Anywhere))
        {
            return tool;
        }

        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        matcher.AddIncludePatterns(territory);
        var shown = string.Join(", ", territory.Take(8)) + (territory.Count > 8 ? ", ..." : "");
        return tool with
        {
            Description = $"{tool.Description} Only these files: {shown}.",
            Run = (args, ct) =>
            {
                var path = Normalised(Text(args, "path"));
                return path is not null && matcher.Match(path).HasMatches
                    ? tool.Run(args, ct)
                    : throw new ToolException($"the {role} may write only {shown}; {Text(args, "path")} is not one of them ({RoleCatalog.Job(role)})");
            },
        };
    }

    // The path as the glob must see it: tests/../src/app.py is src/app.py. Null when it leads out (the file tools refuse it anyway).
    private static string? Normalised(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }
}
