using Wilson.Core.Items;

namespace Wilson.Core.Tests.Items;

public sealed class ComplexityHeuristicTests
{
    private static TierAssessment Infer(string title, string? description = null, string[]? criteria = null, string[]? files = null) =>
        ComplexityHeuristic.Infer(title, description, criteria ?? [], files ?? []);

    [Theory]
    [InlineData("Update the docs for export", "docs")]
    [InlineData("Fix typo in the welcome banner", "typo")]
    [InlineData("Rename Foo to Bar", "rename")]
    [InlineData("Tidy the README", "readme")]
    [InlineData("Bump version to 1.2", "bump version")]
    public void Infer_TrivialWork_IsTrivialWithReason(string title, string word)
    {
        var assessment = Infer(title);

        Assert.Equal(new TierAssessment(ComplexityTier.Trivial, $"mentions '{word}'"), assessment);
    }

    [Theory]
    [InlineData("Change the users schema", "schema")]
    [InlineData("Add authentication to the API", "authentication")]
    [InlineData("Security review of uploads", "security")]
    [InlineData("Write a migration for orders", "migration")]
    [InlineData("Encrypt backups", "encrypt")]
    [InlineData("Add an OAuth button", "oauth")]
    public void Infer_RiskyWork_IsComplexWithReason(string title, string word)
    {
        Assert.Equal(new TierAssessment(ComplexityTier.Complex, $"mentions '{word}'"), Infer(title));
    }

    [Theory]
    [InlineData("Show the author of each post")]
    [InlineData("Add an authoring guide page to the site")]
    public void Infer_WordThatOnlyStartsLikeAuth_IsNotComplex(string title)
    {
        Assert.NotEqual(ComplexityTier.Complex, Infer(title).Tier);
    }

    [Fact]
    public void Infer_RiskyWordInsideAnotherWord_DoesNotCount()
    {
        Assert.Equal(ComplexityTier.Standard, Infer("Show authorship credits in the footer").Tier);
    }

    [Fact]
    public void Infer_RiskInDescriptionOrCriteria_IsComplex()
    {
        Assert.Equal(ComplexityTier.Complex, Infer("Add export", description: "also rotate the API tokens").Tier);
        Assert.Equal(ComplexityTier.Complex, Infer("Add export", criteria: ["the database stays consistent"]).Tier);
    }

    [Fact]
    public void Infer_FourFiles_IsComplex()
    {
        var assessment = Infer("Add an export button", files: ["a.cs", "b.cs", "c.cs", "d.cs"]);

        Assert.Equal(new TierAssessment(ComplexityTier.Complex, "touches 4 files"), assessment);
    }

    [Fact]
    public void Infer_ThreeFiles_IsStandard()
    {
        Assert.Equal(ComplexityTier.Standard, Infer("Add an export button", files: ["a.cs", "b.cs", "c.cs"]).Tier);
    }

    [Fact]
    public void Infer_RiskBeatsTriviality()
    {
        var assessment = Infer("Fix typo in auth migration");

        Assert.Equal(new TierAssessment(ComplexityTier.Complex, "mentions 'auth'"), assessment);
    }

    [Fact]
    public void Infer_ManyFilesBeatTriviality()
    {
        Assert.Equal(ComplexityTier.Complex, Infer("Fix typos", files: ["a.md", "b.md", "c.md", "d.md"]).Tier);
    }

    [Fact]
    public void Infer_TrivialWordsAcrossTwoFiles_IsStandard()
    {
        Assert.Equal(ComplexityTier.Standard, Infer("Fix typos", files: ["a.md", "b.md"]).Tier);
    }

    [Fact]
    public void Infer_TrivialWordsInOneFile_IsTrivial()
    {
        Assert.Equal(ComplexityTier.Trivial, Infer("Fix typos", files: ["README.md"]).Tier);
    }

    [Fact]
    public void Infer_PlainFeature_IsStandard()
    {
        var assessment = Infer("Add an export button to the board", "Exports the visible columns as CSV.", ["a CSV file downloads"]);

        Assert.Equal(new TierAssessment(ComplexityTier.Standard, "no sign of trivial or complex work"), assessment);
    }

    [Fact]
    public void Infer_WordsInsideOtherWords_DoNotCount()
    {
        Assert.Equal(ComplexityTier.Standard, Infer("Add a doctor page with documentary links").Tier);
    }

    [Fact]
    public void Infer_NewWorkItem_UsesItsTextAndFiles()
    {
        var item = new NewWorkItem
        {
            Title = "Add export",
            Context = new ItemContext { RelevantFiles = ["a.cs", "b.cs", "c.cs", "d.cs", "e.cs"] },
        };

        Assert.Equal(new TierAssessment(ComplexityTier.Complex, "touches 5 files"), ComplexityHeuristic.Infer(item));
    }
}
