using Wilson.Core.Roles;
using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Configuration;

/// <summary>
/// Reads the <c>roles</c> section strictly: <c>roles.&lt;role&gt;.tools</c> and <c>roles.&lt;role&gt;.writes</c>
/// replace the role's defaults; an unknown role or tool, a writing role without a territory, or a role
/// without the tool its pass needs as evidence is refused with the key and line.
/// </summary>
public static class RolesConfigParser
{
    private const string Section = "roles";
    private static readonly string[] Keys = ["tools", "writes"];

    public static RolesConfig Parse(StrictYamlReader reader, YamlMappingNode section)
    {
        reader.RequireKnownKeys(section, Section, RoleCatalog.Roles);
        var policies = new Dictionary<string, RolePolicy>(RoleCatalog.Defaults, StringComparer.Ordinal);
        foreach (var (keyNode, node) in section.Children)
        {
            var role = ((YamlScalarNode)keyNode).Value!;
            var path = $"{Section}.{role}";
            if (node is not YamlMappingNode map)
            {
                throw reader.Error(node, path, "expected tools: and/or writes:");
            }

            reader.RequireKnownKeys(map, path, Keys);
            var defaults = RoleCatalog.Defaults[role];
            var policy = new RolePolicy(
                List(reader, map, path, "tools", Tool) ?? defaults.Tools,
                List(reader, map, path, "writes", Glob) ?? defaults.Writes);
            Check(reader, map, path, role, policy);
            policies[role] = policy;
        }

        return new RolesConfig { Policies = policies };
    }

    private static void Check(StrictYamlReader reader, YamlMappingNode map, string path, string role, RolePolicy policy)
    {
        var writing = policy.Tools.Where(ToolNames.Writing.Contains).ToList();
        if (writing.Count > 0 && policy.Writes.Count == 0)
        {
            throw reader.Error(StrictYamlReader.Find(map, "writes") ?? map, $"{path}.writes",
                $"is empty but the {role} has {string.Join(" and ", writing)}: list the paths it may write (e.g. docs/**), or take those tools away");
        }

        var evidence = RoleCatalog.EvidenceTools(role);
        if (evidence.Count > 0 && !evidence.Any(policy.Allows))
        {
            throw reader.Error(StrictYamlReader.Find(map, "tools") ?? map, $"{path}.tools",
                $"the {role}'s pass needs {string.Join(" or ", evidence)} as evidence of its work: keep {(evidence.Count == 1 ? "it" : "one of them")}");
        }
    }

    private static IReadOnlyList<string>? List(StrictYamlReader reader, YamlMappingNode map, string path, string key, Func<StrictYamlReader, YamlNode, string, string> item) =>
        reader.GetSequence(map, path, key) is { } list
            ? [.. list.Children.Select((node, i) => item(reader, node, $"{path}.{key}[{i}]")).Distinct(StringComparer.Ordinal)]
            : null;

    private static string Tool(StrictYamlReader reader, YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } name } && ToolNames.All.Contains(name)
            ? name
            : throw reader.Error(node, path, node is YamlScalarNode { Value: { } unknown }
                ? $"unknown tool '{unknown}'{Suggestions.DidYouMean(unknown, ToolNames.All)}; tools: {string.Join(", ", ToolNames.All)}"
                : "expected a tool name");

    private static string Glob(StrictYamlReader reader, YamlNode node, string path) =>
        node is YamlScalarNode { Value: { Length: > 0 } glob } && !glob.StartsWith('/') && !glob.Split('/').Contains("..")
            ? glob
            : throw reader.Error(node, path, "expected a path pattern inside the worktree, like tests/** or **/*.md");
}
