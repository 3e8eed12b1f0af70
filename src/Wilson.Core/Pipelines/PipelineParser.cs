using Wilson.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Wilson.Core.Pipelines;

/// <summary>
/// Reads a pipeline from YAML, refusing a bad file with its name, line and key:
/// <code>
/// name: standard
/// description: ...
/// stages:
///   - name: develop
///     role: developer
///     on_fail: develop
///     gate: approval      # optional
///     expect: tests_pass  # optional: tests_fail | tests_pass
///     mechanical: true    # optional: a trivial item passes by its mechanical checks, no model
///     max_failures: 3     # optional: failures in a row before a person is asked (default: the retry policy's)
/// </code>
/// </summary>
public static class PipelineParser
{
    private static readonly string[] PipelineKeys = ["name", "description", "stages"];
    private static readonly string[] StageKeys = ["name", "role", "on_fail", "gate", "expect", "description", "mechanical", "max_failures"];
    private static readonly string[] Gates = ["none", "approval"];
    private static readonly string[] Expectations = ["none", "tests_fail", "tests_pass"];

    public static Pipeline Parse(string file, string text)
    {
        var reader = new StrictYamlReader(file);
        var root = reader.ParseRoot(text);
        reader.RequireKnownKeys(root, "", PipelineKeys);
        var name = reader.RequireString(root, "", "name");
        if (!IsName(name))
        {
            throw reader.Error(StrictYamlReader.Find(root, "name")!, "name", $"'{name}' must be lowercase letters, digits and dashes");
        }

        var stageNodes = reader.GetSequence(root, "", "stages");
        if (stageNodes is null || stageNodes.Children.Count < 2)
        {
            throw reader.Error(stageNodes ?? (YamlNode)root, "stages", "a pipeline needs at least two stages: one to work in and the final one");
        }

        var stages = new List<(PipelineStage Stage, YamlMappingNode Node, string Path)>();
        for (var i = 0; i < stageNodes.Children.Count; i++)
        {
            var path = $"stages[{i}]";
            if (stageNodes.Children[i] is not YamlMappingNode node)
            {
                throw reader.Error(stageNodes.Children[i], path, "expected a stage with at least a name");
            }

            stages.Add((ParseStage(reader, node, path), node, path));
        }

        Validate(reader, stages);
        return new Pipeline(name, reader.GetString(root, "", "description"), stages.Select(s => s.Stage).ToList(), file);
    }

    private static PipelineStage ParseStage(StrictYamlReader reader, YamlMappingNode node, string path)
    {
        reader.RequireKnownKeys(node, path, StageKeys);
        var name = reader.RequireString(node, path, "name");
        if (!IsName(name))
        {
            throw reader.Error(StrictYamlReader.Find(node, "name")!, $"{path}.name", $"'{name}' must be lowercase letters, digits and dashes");
        }

        var role = reader.GetString(node, path, "role");
        if (role is not null && !Pipeline.Roles.Contains(role))
        {
            throw reader.Error(StrictYamlReader.Find(node, "role")!, $"{path}.role",
                $"unknown role '{role}'{Suggestions.DidYouMean(role, Pipeline.Roles)}; roles: {string.Join(", ", Pipeline.Roles)}");
        }

        var gate = ParseChoice(reader, node, path, "gate", Gates) switch
        {
            "approval" => StageGate.Approval,
            _ => StageGate.None,
        };
        var expect = ParseChoice(reader, node, path, "expect", Expectations) switch
        {
            "tests_fail" => StageExpectation.TestsFail,
            "tests_pass" => StageExpectation.TestsPass,
            _ => StageExpectation.None,
        };
        return new PipelineStage(name, role, reader.GetString(node, path, "on_fail"), gate, expect, reader.GetString(node, path, "description"),
            reader.GetBool(node, path, "mechanical") ?? false, reader.GetInt(node, path, "max_failures", 1, 100));
    }

    private static string? ParseChoice(StrictYamlReader reader, YamlMappingNode node, string path, string key, string[] choices)
    {
        var value = reader.GetString(node, path, key);
        if (value is not null && !choices.Contains(value))
        {
            throw reader.Error(StrictYamlReader.Find(node, key)!, $"{path}.{key}",
                $"'{value}' is not one of {string.Join(", ", choices)}{Suggestions.DidYouMean(value, choices)}");
        }

        return value;
    }

    private static void Validate(StrictYamlReader reader, List<(PipelineStage Stage, YamlMappingNode Node, string Path)> stages)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            var (stage, node, path) = stages[i];
            var isFinal = i == stages.Count - 1;
            if (stages.Take(i).Any(s => s.Stage.Name == stage.Name))
            {
                throw reader.Error(StrictYamlReader.Find(node, "name")!, $"{path}.name", $"stage '{stage.Name}' appears twice");
            }

            if (isFinal && (stage.Role is not null || stage.Gate != StageGate.None))
            {
                throw reader.Error(node, path, $"the final stage '{stage.Name}' is where finished items rest: it takes no role or gate");
            }

            if (!isFinal && stage.Role is null && stage.Gate == StageGate.None)
            {
                throw reader.Error(node, $"{path}.role", $"stage '{stage.Name}' needs a role or a gate");
            }

            if (stage.MaxFailures is not null && stage.Role is null)
            {
                throw reader.Error(StrictYamlReader.Find(node, "max_failures")!, $"{path}.max_failures", "only a stage with a role can fail");
            }

            if (stage.Expect != StageExpectation.None && stage.Role is null)
            {
                throw reader.Error(StrictYamlReader.Find(node, "expect")!, $"{path}.expect", "only a stage with a role can expect test results");
            }

            if (stage.OnFail is { } back)
            {
                var target = stages.FindIndex(s => s.Stage.Name == back);
                if (target < 0 || target > i)
                {
                    throw reader.Error(StrictYamlReader.Find(node, "on_fail")!, $"{path}.on_fail",
                        $"'{back}' is not this stage or an earlier one (earlier stages: {string.Join(", ", stages.Take(i + 1).Select(s => s.Stage.Name))})");
                }
            }
        }
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 40 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && char.IsAsciiLetterLower(name[0]);
}
