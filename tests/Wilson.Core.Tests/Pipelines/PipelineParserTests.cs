using Wilson.Core.Configuration;
using Wilson.Core.Pipelines;

namespace Wilson.Core.Tests.Pipelines;

public sealed class PipelineParserTests
{
    private const string File = "custom.yaml";

    private static ConfigFormatException Refuse(string yaml) =>
        Assert.Throws<ConfigFormatException>(() => PipelineParser.Parse(File, yaml));

    [Fact]
    public void Parse_ValidFile_ReadsEveryField()
    {
        var pipeline = PipelineParser.Parse(File, """
            name: review-first
            description: Review, then build.
            stages:
              - name: review
                role: reviewer
                gate: approval
                mechanical: true
                description: Someone looks first.
              - name: build
                role: developer
                on_fail: review
                expect: tests_pass
                max_failures: 2
              - name: done
            """);

        Assert.Equal("review-first", pipeline.Name);
        Assert.Equal("Review, then build.", pipeline.Description);
        Assert.Equal(File, pipeline.Source);
        Assert.Equal(
            [
                new PipelineStage("review", "reviewer", null, StageGate.Approval, StageExpectation.None, "Someone looks first.", Mechanical: true),
                new PipelineStage("build", "developer", "review", StageGate.None, StageExpectation.TestsPass, MaxFailures: 2),
                new PipelineStage("done", null),
            ],
            pipeline.Stages);
    }

    [Fact]
    public void Parse_OnFailToItsOwnStage_IsAllowed()
    {
        var pipeline = PipelineParser.Parse(File, """
            name: loop
            stages:
              - name: build
                role: developer
                on_fail: build
              - name: done
            """);

        Assert.Equal("build", pipeline.Stages[0].OnFail);
    }

    [Fact]
    public void Parse_InvalidYaml_IsRefusedAsDocument()
    {
        var error = Refuse("""
            name: broken
            stages:
              - name: [build
            """);

        Assert.Equal(File, error.File);
        Assert.Equal("(document)", error.Key);
        Assert.StartsWith($"{File}:{error.Line}: (document): not valid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Line, 3, 4);
    }

    [Theory]
    [InlineData("")]
    [InlineData("- plan\n- done")]
    [InlineData("just text")]
    public void Parse_RootNotAMapping_IsRefused(string yaml)
    {
        var error = Refuse(yaml);

        Assert.Equal((1, "(document)"), (error.Line, error.Key));
        Assert.Equal("expected a mapping of keys to values", error.Problem);
    }

    [Fact]
    public void Parse_UnknownStageKey_IsRefusedWithSuggestion()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                rol: developer
              - name: done
            """);

        Assert.Equal(4, error.Line);
        Assert.Equal("stages[0].rol", error.Key);
        Assert.Equal(
            "custom.yaml:4: stages[0].rol: unknown key (did you mean 'role'?); known keys: name, role, on_fail, gate, expect, description, mechanical, max_failures",
            error.Message);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_IsRefusedWithSuggestion()
    {
        var error = Refuse("""
            name: custom
            stage:
              - name: build
            """);

        Assert.Equal((2, "stage"), (error.Line, error.Key));
        Assert.Equal("unknown key (did you mean 'stages'?); known keys: name, description, stages", error.Problem);
    }

    [Fact]
    public void Parse_UnknownRole_IsRefusedWithSuggestion()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: develper
              - name: done
            """);

        Assert.Equal((4, "stages[0].role"), (error.Line, error.Key));
        Assert.Equal(
            "unknown role 'develper' (did you mean 'developer'?); roles: planner, developer, tester, reviewer, security, docs",
            error.Problem);
    }

    [Fact]
    public void Parse_DuplicateStage_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: developer
              - name: build
                role: tester
              - name: done
            """);

        Assert.Equal((5, "stages[1].name"), (error.Line, error.Key));
        Assert.Equal("stage 'build' appears twice", error.Problem);
    }

    [Fact]
    public void Parse_OnFailToLaterStage_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: developer
                on_fail: check
              - name: check
                role: tester
              - name: done
            """);

        Assert.Equal((5, "stages[0].on_fail"), (error.Line, error.Key));
        Assert.Equal("'check' is not this stage or an earlier one (earlier stages: build)", error.Problem);
    }

    [Fact]
    public void Parse_OnFailToUnknownStage_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: developer
              - name: check
                role: tester
                on_fail: develop
              - name: done
            """);

        Assert.Equal((7, "stages[1].on_fail"), (error.Line, error.Key));
        Assert.Equal("'develop' is not this stage or an earlier one (earlier stages: build, check)", error.Problem);
    }

    [Theory]
    [InlineData("role: reviewer")]
    [InlineData("gate: approval")]
    public void Parse_FinalStageWithRoleOrGate_IsRefused(string line)
    {
        var error = Refuse($"""
            name: custom
            stages:
              - name: build
                role: developer
              - name: done
                {line}
            """);

        Assert.Equal((5, "stages[1]"), (error.Line, error.Key));
        Assert.Equal("the final stage 'done' is where finished items rest: it takes no role or gate", error.Problem);
    }

    [Fact]
    public void Parse_StageWithNeitherRoleNorGate_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                description: nobody works here
              - name: done
            """);

        Assert.Equal((3, "stages[0].role"), (error.Line, error.Key));
        Assert.Equal("stage 'build' needs a role or a gate", error.Problem);
    }

    [Fact]
    public void Parse_OneStage_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: done
            """);

        Assert.Equal((3, "stages"), (error.Line, error.Key));
        Assert.Equal("a pipeline needs at least two stages: one to work in and the final one", error.Problem);
    }

    [Fact]
    public void Parse_NoStages_IsRefused()
    {
        var error = Refuse("name: custom\n");

        Assert.Equal((1, "stages"), (error.Line, error.Key));
        Assert.Equal("a pipeline needs at least two stages: one to work in and the final one", error.Problem);
    }

    [Fact]
    public void Parse_StagesNotAList_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages: plan, done
            """);

        Assert.Equal((2, "stages"), (error.Line, error.Key));
        Assert.Equal("expected a list", error.Problem);
    }

    [Fact]
    public void Parse_StageNotAMapping_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - build
              - name: done
            """);

        Assert.Equal((3, "stages[0]"), (error.Line, error.Key));
        Assert.Equal("expected a stage with at least a name", error.Problem);
    }

    [Fact]
    public void Parse_StageWithoutName_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - role: developer
              - name: done
            """);

        Assert.Equal((3, "stages[0].name"), (error.Line, error.Key));
        Assert.Equal("is required", error.Problem);
    }

    [Fact]
    public void Parse_BadGate_IsRefusedListingTheChoices()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: developer
                gate: manual
              - name: done
            """);

        Assert.Equal((5, "stages[0].gate"), (error.Line, error.Key));
        Assert.Equal("'manual' is not one of none, approval", error.Problem);
    }

    [Fact]
    public void Parse_BadExpect_IsRefusedWithSuggestion()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: developer
                expect: tests_passing
              - name: done
            """);

        Assert.Equal((5, "stages[0].expect"), (error.Line, error.Key));
        Assert.Equal("'tests_passing' is not one of none, tests_fail, tests_pass (did you mean 'tests_pass'?)", error.Problem);
    }

    [Fact]
    public void Parse_ExpectOnGateWithoutRole_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: wait
                gate: approval
                expect: tests_pass
              - name: done
            """);

        Assert.Equal((5, "stages[0].expect"), (error.Line, error.Key));
        Assert.Equal("only a stage with a role can expect test results", error.Problem);
    }

    [Theory]
    [InlineData("My Pipeline")]
    [InlineData("Standard")]
    [InlineData("1st")]
    [InlineData("-dash")]
    [InlineData("snake_case")]
    public void Parse_BadPipelineName_IsRefused(string name)
    {
        var error = Refuse($"""
            name: "{name}"
            stages:
              - name: build
                role: developer
              - name: done
            """);

        Assert.Equal((1, "name"), (error.Line, error.Key));
        Assert.Equal($"'{name}' must be lowercase letters, digits and dashes", error.Problem);
    }

    [Fact]
    public void Parse_NameOfFortyOneCharacters_IsRefused()
    {
        var error = Refuse($"name: {new string('a', 41)}\nstages: []\n");

        Assert.Equal("name", error.Key);
    }

    [Fact]
    public void Parse_BadStageName_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: Build
                role: developer
              - name: done
            """);

        Assert.Equal((3, "stages[0].name"), (error.Line, error.Key));
        Assert.Equal("'Build' must be lowercase letters, digits and dashes", error.Problem);
    }

    [Fact]
    public void Parse_MissingName_IsRefused()
    {
        var error = Refuse("""
            stages:
              - name: build
                role: developer
              - name: done
            """);

        Assert.Equal((1, "name"), (error.Line, error.Key));
        Assert.Equal("is required", error.Problem);
    }

    [Fact]
    public void Parse_RoleAsList_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: build
                role: [developer, tester]
              - name: done
            """);

        Assert.Equal((4, "stages[0].role"), (error.Line, error.Key));
        Assert.Equal("expected a single value", error.Problem);
    }

    [Fact]
    public void Parse_MaxFailuresOnAGate_IsRefused()
    {
        var error = Refuse("""
            name: custom
            stages:
              - name: check
                gate: approval
                max_failures: 2
              - name: done
            """);

        Assert.Equal("stages[0].max_failures", error.Key);
        Assert.Contains("only a stage with a role can fail", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltInPlan_AsksAPersonAfterThreeFailures()
    {
        Assert.Equal(3, PipelineCatalog.BuiltIn().Get("plan").FindStage("plan")!.MaxFailures);
    }
}
