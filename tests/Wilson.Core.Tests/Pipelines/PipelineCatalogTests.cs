using Wilson.Core.Configuration;
using Wilson.Core.Pipelines;
using Wilson.Testing;

namespace Wilson.Core.Tests.Pipelines;

public sealed class PipelineCatalogTests
{
    private const string Quick = """
        name: quick
        description: Build and ship.
        stages:
          - name: build
            role: developer
          - name: shipped
        """;

    [Fact]
    public void BuiltIn_Standard_HasTheDesignedStages()
    {
        var standard = PipelineCatalog.BuiltIn().Get("standard");

        Assert.Equal(["plan", "develop", "test", "security", "docs", "approve", "done"], standard.Stages.Select(s => s.Name));
        Assert.Equal(
            ["planner", "developer", "tester", "security", "docs", "reviewer", null],
            standard.Stages.Select(s => s.Role));
        Assert.Equal("(built-in) standard.yaml", standard.Source);
    }

    [Fact]
    public void BuiltIn_Standard_SendsFailuresBackToDevelop()
    {
        var standard = PipelineCatalog.BuiltIn().Get("standard");

        Assert.Equal([null, "develop", "develop", "develop", "docs", "develop", null], standard.Stages.Select(s => s.OnFail));
        Assert.Equal(StageGate.Approval, standard.FindStage("approve")!.Gate);
    }

    [Fact]
    public void BuiltIn_Tdd_HasTheDesignedStagesAndExpectations()
    {
        var tdd = PipelineCatalog.BuiltIn().Get("tdd");

        Assert.Equal(["plan", "red", "green", "refactor", "verify", "approve", "done"], tdd.Stages.Select(s => s.Name));
        Assert.Equal(StageExpectation.TestsFail, tdd.FindStage("red")!.Expect);
        Assert.Equal(StageExpectation.TestsPass, tdd.FindStage("green")!.Expect);
        Assert.Equal(StageExpectation.TestsPass, tdd.FindStage("refactor")!.Expect);
        Assert.Equal(StageExpectation.None, tdd.FindStage("verify")!.Expect);
        Assert.Equal(new PipelineStage("approve", null, null, StageGate.Approval, StageExpectation.None, "The approval policy decides who signs off."), tdd.FindStage("approve"));
    }

    [Fact]
    public void BuiltIn_All_IsPlanStandardAndTdd()
    {
        Assert.Equal(["plan", "standard", "tdd"], PipelineCatalog.BuiltIn().All.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Get_UnknownPipeline_ThrowsWithSuggestion()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => PipelineCatalog.BuiltIn().Get("standrd"));

        Assert.Equal("no pipeline 'standrd' (did you mean 'standard'?); pipelines: plan, standard, tdd", error.Message);
    }

    [Fact]
    public void Get_NothingClose_ThrowsListingPipelines()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => PipelineCatalog.BuiltIn().Get("kanban"));

        Assert.Equal("no pipeline 'kanban'; pipelines: plan, standard, tdd", error.Message);
    }

    [Fact]
    public void Find_UnknownPipeline_ReturnsNull()
    {
        Assert.Null(PipelineCatalog.BuiltIn().Find("kanban"));
    }

    [Fact]
    public void Load_NullOrMissingDirectory_HasOnlyBuiltIns()
    {
        var missing = Path.Combine(Path.GetTempPath(), "wilson-no-such-dir-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(3, PipelineCatalog.Load(null).All.Count);
        Assert.Equal(3, PipelineCatalog.Load(missing).All.Count);
    }

    [Fact]
    public void Load_DirectoryWithPipeline_AddsIt()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("quick.yaml", Quick);

        var catalog = PipelineCatalog.Load(dir.Path);

        var quick = catalog.Get("quick");
        Assert.Equal(["build", "shipped"], quick.Stages.Select(s => s.Name));
        Assert.Equal(file, quick.Source);
        Assert.Equal(["plan", "quick", "standard", "tdd"], catalog.All.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_YmlExtension_IsReadToo()
    {
        using var dir = new TempDirectory();
        dir.Write("quick.yml", Quick);

        var catalog = PipelineCatalog.Load(dir.Path);

        Assert.NotNull(catalog.Find("quick"));
    }

    [Fact]
    public void Load_PipelineNamedLikeBuiltIn_ReplacesIt()
    {
        using var dir = new TempDirectory();
        dir.Write("mine.yaml", Quick.Replace("name: quick", "name: standard", StringComparison.Ordinal));

        var standard = PipelineCatalog.Load(dir.Path).Get("standard");

        Assert.Equal(["build", "shipped"], standard.Stages.Select(s => s.Name));
    }

    [Fact]
    public void Load_BadFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDirectory();
        dir.Write("a-good.yaml", Quick);
        var bad = dir.Write("b-bad.yaml", """
            name: bad
            stages:
              - name: build
                role: builder
              - name: done
            """);

        var error = Assert.Throws<ConfigFormatException>(() => PipelineCatalog.Load(dir.Path));

        Assert.Equal(bad, error.File);
        Assert.Equal((4, "stages[0].role"), (error.Line, error.Key));
        Assert.StartsWith($"{bad}:4: stages[0].role: unknown role 'builder'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoFilesWithSameName_IsRefused()
    {
        using var dir = new TempDirectory();
        var first = dir.Write("a.yaml", Quick);
        var second = dir.Write("b.yaml", Quick);

        var error = Assert.Throws<ConfigFormatException>(() => PipelineCatalog.Load(dir.Path));

        Assert.Equal(second, error.File);
        Assert.Equal((1, "name"), (error.Line, error.Key));
        Assert.Equal($"pipeline 'quick' is already defined in {first}", error.Problem);
    }
}
