using System.Text.Json;
using Wilson.Agents.Running;

namespace Wilson.Agents.Tests.Running;

/// <summary>Arguments checked against a tool's schema before it runs, with errors a model can act on.</summary>
public sealed class ToolArgumentValidatorTests
{
    private static readonly JsonElement Schema = AgentTool.ObjectSchema("""
        {"title":{"type":"string"},"priority":{"type":"integer"},"kind":{"type":"string","enum":["feature","bug","docs"]},
         "criteria":{"type":"array","items":{"type":"string"}},
         "steps":{"type":"array","items":{"type":"object","properties":{"kind":{"type":"string","enum":["file_exists","tests_pass"]},"argument":{"type":"string"}},"required":["kind"]}}}
        """, "title");

    private static string? Problem(string arguments) => ToolArgumentValidator.Problem(Schema, JsonDocument.Parse(arguments).RootElement);

    [Theory]
    [InlineData("""{"title":"x"}""")]
    [InlineData("""{"title":"x","priority":3,"kind":"bug","criteria":["a","b"],"steps":[{"kind":"tests_pass"}]}""")]
    public void Problem_ValidArguments_IsNull(string arguments) => Assert.Null(Problem(arguments));

    [Theory]
    [InlineData("""[1,2]""", "the arguments must be a JSON object, not an array")]
    [InlineData("""{}""", "missing argument title")]
    [InlineData("""{"title":"x","kind":"featur"}""", "argument 'kind' must be one of feature, bug, docs, not 'featur' (did you mean 'feature'?)")]
    [InlineData("""{"title":"x","priority":1.5}""", "argument 'priority' must be an integer, not a number")]
    [InlineData("""{"title":"x","criteria":"all of it"}""", "argument 'criteria' must be an array, not a string")]
    [InlineData("""{"title":"x","criteria":["ok",7]}""", "argument 'criteria[1]' must be a string, not an integer")]
    [InlineData("""{"title":"x","steps":[{"argument":"a.txt"}]}""", "missing argument steps[0].kind")]
    [InlineData("""{"title":"x","steps":[{"kind":"ok"}]}""", "argument 'steps[0].kind' must be one of file_exists, tests_pass, not 'ok'")]
    [InlineData("""{"title":"x","titel":"y"}""", "unknown argument 'titel' (did you mean 'title'?); arguments: title, priority, kind, criteria, steps")]
    [InlineData("""{"title":null}""", "argument 'title' must be a string, not null")]
    public void Problem_BadArguments_SaysWhatIsWrongAndWhere(string arguments, string expected) => Assert.Equal(expected, Problem(arguments));

    [Fact]
    public void Problem_ManyThingsWrong_SaysTheFirstThree()
    {
        var problem = Problem("""{"priority":"high","kind":"x","criteria":1,"steps":2}""");

        Assert.Equal(
            "missing argument title; argument 'priority' must be an integer, not a string; argument 'kind' must be one of feature, bug, docs, not 'x'",
            problem);
    }
}
