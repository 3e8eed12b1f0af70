using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class ProjectConfigFileTests
{
    private const string File = ".wilson/wilson.yaml";

    private static ConfigFormatException Refuse(string yaml) =>
        Assert.Throws<ConfigFormatException>(() => ProjectConfigFile.Parse(File, yaml));

    [Fact]
    public void Parse_Template_RoundTrips()
    {
        var text = ProjectConfigFile.Template("shop", "trunk", "tdd");

        var config = ProjectConfigFile.Parse(File, text);

        Assert.Equal(
            new ProjectConfig
            {
                Name = "shop",
                DefaultBranch = "trunk",
                Pipeline = "tdd",
                TestCommand = "",
                Database = null,
                LeaseDuration = TimeSpan.FromMinutes(5),
                MaxAttempts = 3,
            },
            config);
    }

    [Fact]
    public void Parse_OnlyProjectName_UsesDefaults()
    {
        var config = ProjectConfigFile.Parse(File, "project:\n  name: shop\n");

        Assert.Equal(new ProjectConfig { Name = "shop" }, config);
        Assert.Equal(("main", "standard", TimeSpan.FromMinutes(5), 3), (config.DefaultBranch, config.Pipeline, config.LeaseDuration, config.MaxAttempts));
    }

    [Fact]
    public void Parse_EveryKey_IsRead()
    {
        var config = ProjectConfigFile.Parse(File, """
            project:
              name: shop
              default_branch: develop
              pipeline: quick
              test_command: dotnet test
            database: Host=db;Database=wilson
            leases:
              duration: 90s
              max_attempts: 7
            """);

        Assert.Equal(
            new ProjectConfig
            {
                Name = "shop",
                DefaultBranch = "develop",
                Pipeline = "quick",
                TestCommand = "dotnet test",
                Database = "Host=db;Database=wilson",
                LeaseDuration = TimeSpan.FromSeconds(90),
                MaxAttempts = 7,
            },
            config);
    }

    [Fact]
    public void Parse_EmptyLeases_KeepsDefaults()
    {
        var config = ProjectConfigFile.Parse(File, "project:\n  name: shop\nleases:\n");

        Assert.Equal((TimeSpan.FromMinutes(5), 3), (config.LeaseDuration, config.MaxAttempts));
    }

    [Fact]
    public void Parse_EmptyBranchAndPipeline_UseDefaults()
    {
        var config = ProjectConfigFile.Parse(File, """
            project:
              name: shop
              default_branch:
              pipeline: ""
            """);

        Assert.Equal(("main", "standard"), (config.DefaultBranch, config.Pipeline));
    }

    [Fact]
    public void Parse_DuplicateKey_IsRefusedAtItsLine()
    {
        var error = Refuse("""
            project:
              name: shop
              name: store
            """);

        Assert.Equal((3, "(document)"), (error.Line, error.Key));
        Assert.Equal("not valid YAML: Duplicate key name", error.Problem);
    }

    [Fact]
    public void Parse_ListAsKey_IsRefusedNotCrashed()
    {
        var error = Refuse("""
            project:
              name: shop
              [a, b]: 1
            """);

        Assert.Equal((3, "project"), (error.Line, error.Key));
        Assert.Equal("expected a plain name as key, not a list or mapping", error.Problem);
    }

    [Fact]
    public void Parse_UnknownProjectKey_IsRefusedWithSuggestion()
    {
        var error = Refuse("""
            project:
              name: shop
              pipline: tdd
            """);

        Assert.Equal((3, "project.pipline"), (error.Line, error.Key));
        Assert.Equal(
            ".wilson/wilson.yaml:3: project.pipline: unknown key (did you mean 'pipeline'?); known keys: name, default_branch, pipeline, test_command",
            error.Message);
    }

    [Fact]
    public void Parse_UnknownRootKey_IsRefusedWithSuggestion()
    {
        var error = Refuse("""
            project:
              name: shop
            lease:
              duration: 5m
            """);

        Assert.Equal((3, "lease"), (error.Line, error.Key));
        Assert.Equal("unknown key (did you mean 'leases'?); known keys: project, database, leases, models, commands, approvals, roles, planning", error.Problem);
    }

    [Fact]
    public void Parse_UnknownKeyWithNothingClose_ListsKnownKeys()
    {
        var error = Refuse("""
            project:
              name: shop
            leases:
              timeout_after: 5m
            """);

        Assert.Equal((4, "leases.timeout_after"), (error.Line, error.Key));
        Assert.Equal("unknown key; known keys: duration, max_attempts", error.Problem);
    }

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("5")]
    [InlineData("-5m")]
    [InlineData("soon")]
    [InlineData("99999999999h")]
    public void Parse_BadDuration_IsRefused(string duration)
    {
        var error = Refuse($"""
            project:
              name: shop
            leases:
              duration: {duration}
            """);

        Assert.Equal((4, "leases.duration"), (error.Line, error.Key));
        Assert.Equal($"expected a duration like 30s, 5m or 1h, not '{duration}'", error.Problem);
    }

    [Fact]
    public void Parse_DurationUnderOneSecond_IsRefused()
    {
        var error = Refuse("""
            project:
              name: shop
            leases:
              duration: 500ms
            """);

        Assert.Equal((4, "leases.duration"), (error.Line, error.Key));
        Assert.Equal("must be at least 1s", error.Problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("three")]
    public void Parse_BadMaxAttempts_IsRefused(string attempts)
    {
        var error = Refuse($"""
            project:
              name: shop
            leases:
              max_attempts: {attempts}
            """);

        Assert.Equal((4, "leases.max_attempts"), (error.Line, error.Key));
        Assert.Equal($"expected a whole number from 1 to 100, not '{attempts}'", error.Problem);
    }

    [Fact]
    public void Parse_MissingProjectName_IsRefused()
    {
        var error = Refuse("""
            project:
              pipeline: tdd
            """);

        Assert.Equal((2, "project.name"), (error.Line, error.Key));
        Assert.Equal("is required", error.Problem);
    }

    [Fact]
    public void Parse_EmptyProjectName_IsRefused()
    {
        var error = Refuse("project:\n  name: \"\"\n");

        Assert.Equal(("project.name", "is required"), (error.Key, error.Problem));
    }

    [Theory]
    [InlineData("database: \"\"\n")]
    [InlineData("project:\n")]
    public void Parse_MissingProject_IsRefused(string yaml)
    {
        var error = Refuse(yaml);

        Assert.Equal((1, "project"), (error.Line, error.Key));
        Assert.Equal("is required (with at least project.name)", error.Problem);
    }

    [Fact]
    public void Parse_ProjectNotAMapping_IsRefused()
    {
        var error = Refuse("project: shop\n");

        Assert.Equal((1, "project"), (error.Line, error.Key));
        Assert.Equal("expected a mapping of keys to values", error.Problem);
    }

    [Fact]
    public void Parse_InvalidYaml_IsRefused()
    {
        var error = Refuse("project:\n  name: shop\n   pipeline: [tdd\n");

        Assert.Equal(File, error.File);
        Assert.Equal("(document)", error.Key);
        Assert.StartsWith("not valid YAML: ", error.Problem, StringComparison.Ordinal);
    }
}
