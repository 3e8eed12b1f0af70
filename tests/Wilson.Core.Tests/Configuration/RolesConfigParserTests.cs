using Wilson.Core.Configuration;
using Wilson.Core.Roles;

namespace Wilson.Core.Tests.Configuration;

public sealed class RolesConfigParserTests
{
    private static RolesConfig Parse(string roles) => ProjectConfigFile.Parse("wilson.yaml", $"project:\n  name: shop\nroles:\n{roles}").Roles;

    [Fact]
    public void Defaults_PlannerNeitherWritesNorRuns_TesterWritesOnlyTests_DeveloperWritesAnywhere()
    {
        var roles = ProjectConfigFile.Parse("wilson.yaml", "project:\n  name: shop\n").Roles;

        var planner = roles.For("planner");
        Assert.DoesNotContain(ToolNames.WriteFile, planner.Tools);
        Assert.DoesNotContain(ToolNames.RunCommand, planner.Tools);
        Assert.Contains(ToolNames.CreateItem, planner.Tools);
        Assert.Empty(planner.Writes);
        Assert.Equal(RoleCatalog.TestFiles, roles.For("tester").Writes);
        Assert.DoesNotContain(ToolNames.RunCommand, roles.For("tester").Tools);
        Assert.Equal(["**/*"], roles.For("developer").Writes);
        Assert.All(new[] { "reviewer", "security" }, role =>
        {
            Assert.Contains(ToolNames.RunTests, roles.For(role).Tools);
            Assert.DoesNotContain(ToolNames.WriteFile, roles.For(role).Tools);
        });
        Assert.Equal(RoleCatalog.DocumentationFiles, roles.For("docs").Writes);
    }

    [Fact]
    public void Parse_ARoleGiven_ReplacesOnlyTheKeysGiven()
    {
        var roles = Parse("""
              tester:
                writes: [spec/**, "**/*.spec.ts"]
              reviewer:
                tools: [read_file, git_diff, request_changes]
            """);

        Assert.Equal(["spec/**", "**/*.spec.ts"], roles.For("tester").Writes);
        Assert.Equal(RoleCatalog.Defaults["tester"].Tools, roles.For("tester").Tools);
        Assert.Equal([ToolNames.ReadFile, ToolNames.GitDiff, ToolNames.RequestChanges], roles.For("reviewer").Tools);
        Assert.Equal(RoleCatalog.Defaults["developer"], roles.For("developer"));
    }

    [Theory]
    [InlineData("  testr:\n    tools: [run_tests]\n", "roles.testr", "did you mean 'tester'")]
    [InlineData("  tester:\n    tool: [run_tests]\n", "roles.tester.tool", "did you mean 'tools'")]
    [InlineData("  tester:\n    tools: [run_test, write_file]\n", "roles.tester.tools[0]", "unknown tool 'run_test' (did you mean 'run_tests'?)")]
    [InlineData("  docs:\n    writes: []\n", "roles.docs.writes", "is empty but the docs has write_file and edit_file")]
    [InlineData("  docs:\n    writes: [../outside/**]\n", "roles.docs.writes[0]", "a path pattern inside the worktree")]
    [InlineData("  tester:\n    tools: [read_file, write_file]\n", "roles.tester.tools", "the tester's pass needs run_tests as evidence of its work")]
    [InlineData("  reviewer:\n    tools: [read_file]\n", "roles.reviewer.tools", "needs git_diff")]
    [InlineData("  planner:\n    tools: [read_file]\n", "roles.planner.tools", "needs create_item")]
    [InlineData("  tester: everything\n", "roles.tester", "expected tools: and/or writes:")]
    public void Parse_BadSetting_IsRefusedNamingItsKey(string roles, string key, string problem)
    {
        var error = Assert.Throws<ConfigFormatException>(() => Parse(roles));

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
