using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class ConfigFormatExceptionTests
{
    [Fact]
    public void Message_NamesFileLineKeyAndProblem()
    {
        var error = new ConfigFormatException("p.yaml", 7, "stages[2].role", "unknown role 'x'");

        Assert.Equal("p.yaml:7: stages[2].role: unknown role 'x'", error.Message);
        Assert.Equal(("p.yaml", 7, "stages[2].role", "unknown role 'x'"), (error.File, error.Line, error.Key, error.Problem));
    }
}
