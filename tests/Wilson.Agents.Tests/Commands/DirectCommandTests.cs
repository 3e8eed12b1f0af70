using Wilson.Agents.Commands;

namespace Wilson.Agents.Tests.Commands;

/// <summary>Which command lines run without a shell: plain words naming a program, nothing a shell would read differently.</summary>
public sealed class DirectCommandTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["PATH"] = "/usr/local/bin:/usr/bin:/bin" };

    [Theory]
    [InlineData("true", "/usr/bin/true")]
    [InlineData("ls -la src/app", "/usr/bin/ls -la src/app")]
    [InlineData("  git   status  --short ", "/usr/bin/git status --short")]
    [InlineData("/bin/echo a=b --x=1,2 user@host 50%", "/bin/echo a=b --x=1,2 user@host 50%")]
    public void Plain_words_naming_a_program_run_directly(string line, string argv) =>
        Assert.Equal(argv, string.Join(' ', DirectCommand.Split(line, Environment) ?? ["(shell)"]));

    [Theory]
    [InlineData("echo $HOME")]
    [InlineData("echo 'quoted'")]
    [InlineData("echo \"quoted\"")]
    [InlineData("ls *.cs")]
    [InlineData("ls > out.txt")]
    [InlineData("true && false")]
    [InlineData("true; false")]
    [InlineData("yes | head")]
    [InlineData("sleep 1 &")]
    [InlineData("echo `date`")]
    [InlineData("echo a\\ b")]
    [InlineData("echo ~")]
    [InlineData("ls\nrm x")]
    [InlineData("FOO=bar env")]
    [InlineData("cd src")]
    [InlineData("export A")]
    [InlineData("exit 3")]
    [InlineData("time make")]
    [InlineData("./build.sh")]
    [InlineData("no-such-program-anywhere")]
    [InlineData("")]
    [InlineData("   ")]
    public void Anything_a_shell_reads_differently_keeps_the_shell(string line) =>
        Assert.Null(DirectCommand.Split(line, Environment));
}
