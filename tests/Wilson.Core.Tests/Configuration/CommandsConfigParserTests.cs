using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class CommandsConfigParserTests
{
    private static CommandsConfig Parse(string commands) => ProjectConfigFile.Parse("wilson.yaml", $"project:\n  name: shop\ncommands:\n{commands}").Commands;

    private static ConfigFormatException Refuse(string commands) => Assert.Throws<ConfigFormatException>(() => Parse(commands));

    [Fact]
    public void Parse_ReadsLimitsSandboxAndExtraRefusals()
    {
        var commands = Parse("""
              silence_warning: 10s
              silence_kill: 20s
              deadline: 15m
              sandbox: false
              allow_network: true
              refuse:
                - pattern: \bnpm\s+publish\b
                  reason: publishing is for people
            """);

        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(15), false, true),
            (commands.SilenceWarning, commands.SilenceKill, commands.Deadline, commands.Sandbox, commands.AllowNetwork));
        Assert.Equal([new RefusedCommand(@"\bnpm\s+publish\b", "publishing is for people")], commands.Refuse);
    }

    [Fact]
    public void Parse_NoSection_IsTheDefaults()
    {
        var commands = ProjectConfigFile.Parse("wilson.yaml", "project:\n  name: shop\n").Commands;

        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(5), true, false),
            (commands.SilenceWarning, commands.SilenceKill, commands.Deadline, commands.Sandbox, commands.AllowNetwork));
    }

    [Theory]
    [InlineData("  dedline: 5m\n", "commands.dedline", "did you mean 'deadline'")]
    [InlineData("  deadline: 0s\n", "commands.deadline", "more than zero")]
    [InlineData("  silence_warning: 2m\n  silence_kill: 1m\n", "commands.silence_kill", "at least silence_warning (2m)")]
    [InlineData("  refuse:\n    - pattern: \"(unclosed\"\n      reason: x\n", "commands.refuse[0].pattern", "not a regular expression")]
    [InlineData("  refuse:\n    - pattern: rm\n", "commands.refuse[0].reason", "is required")]
    [InlineData("  refuse:\n    - just a string\n", "commands.refuse[0]", "expected pattern: and reason:")]
    public void Parse_BadSetting_IsRefusedNamingItsKey(string commands, string key, string problem)
    {
        var error = Refuse(commands);

        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
