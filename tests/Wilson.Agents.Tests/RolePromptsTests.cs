using Wilson.Testing;

namespace Wilson.Agents.Tests;

public sealed class RolePromptsTests
{
    public static TheoryData<string> Roles => [.. RolePrompts.Roles];

    [Theory]
    [MemberData(nameof(Roles))]
    public void Every_role_gets_the_principles_and_its_own_text(string role)
    {
        var prompt = RolePrompts.For(role);

        Assert.StartsWith("# How we write software", prompt, StringComparison.Ordinal);
        Assert.Contains("No secrets in code", prompt, StringComparison.Ordinal);
        Assert.Contains($"# Role: {role}", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_overrides_a_role_or_the_principles_with_its_own_file()
    {
        using var prompts = new TempDirectory("wilson-prompts");
        File.WriteAllText(prompts.Combine("developer.md"), "# Role: developer\nWrite Rust only.\n");

        var developer = RolePrompts.For("developer", prompts.Path);
        var tester = RolePrompts.For("tester", prompts.Path);
        File.WriteAllText(prompts.Combine("principles.md"), "# Our rules\n");
        var withOwnPrinciples = RolePrompts.For("tester", prompts.Path);

        Assert.Contains("Write Rust only.", developer, StringComparison.Ordinal);
        Assert.DoesNotContain("Make the item's acceptance criteria true", developer, StringComparison.Ordinal);
        Assert.Contains("Prove or disprove", tester, StringComparison.Ordinal);
        Assert.StartsWith("# Our rules", withOwnPrinciples, StringComparison.Ordinal);
        Assert.DoesNotContain("SOLID", withOwnPrinciples, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_role_is_refused_naming_the_closest()
    {
        var error = Assert.Throws<ArgumentException>(() => RolePrompts.For("developr"));

        Assert.StartsWith("unknown role 'developr' (did you mean 'developer'?)", error.Message, StringComparison.Ordinal);
    }
}
