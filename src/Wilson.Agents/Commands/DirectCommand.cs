namespace Wilson.Agents.Commands;

/// <summary>
/// Decides whether a command line can run without a shell: a program on the PATH and plain words, with
/// nothing a shell would interpret (quotes, variables, globs, redirections, pipes, lists, escapes,
/// assignments) and not a shell builtin that changes the shell itself (<c>cd</c>, <c>export</c>, ...).
/// Such a line means the same run directly as under <c>sh -c</c>, and saves starting a shell: most of
/// what agents run (<c>make</c>, <c>pytest -q</c>, <c>npm test</c>) is like this.
/// </summary>
internal static class DirectCommand
{
    private const string PlainPunctuation = "-_./=:,+@%^";
    private const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    // Builtins and keywords that act on the shell (or differ from their programs); these keep the shell.
    private static readonly HashSet<string> ShellWords = new(StringComparer.Ordinal)
    {
        ".", ":", "alias", "bg", "break", "case", "cd", "chdir", "command", "continue", "do", "done", "elif", "else", "esac", "eval",
        "exec", "exit", "export", "fc", "fg", "fi", "for", "function", "getopts", "hash", "if", "in", "jobs", "kill", "local", "pwd",
        "read", "readonly", "return", "select", "set", "shift", "source", "then", "time", "times", "trap", "type", "ulimit", "umask",
        "unalias", "unset", "until", "wait", "while",
    };

    /// <summary>The program (resolved on the PATH of <paramref name="environment"/>) and its arguments; null when the line needs a shell.</summary>
    public static IReadOnlyList<string>? Split(string commandLine, IReadOnlyDictionary<string, string> environment)
    {
        if (!commandLine.All(c => char.IsAsciiLetterOrDigit(c) || c == ' ' || PlainPunctuation.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }

        var words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // A relative path is the shell's to find from the command's directory.
        if (words.Length == 0 || ShellWords.Contains(words[0]) || words[0].Contains('=', StringComparison.Ordinal)
            || (words[0].Contains('/', StringComparison.Ordinal) && !words[0].StartsWith('/')))
        {
            return null;
        }

        string program;
        try
        {
            program = PosixSpawn.Resolve(words[0], environment);
        }
        catch (FileNotFoundException)
        {
            // The shell says "not found" the way a person expects, with its exit code 127.
            return null;
        }

        return !OperatingSystem.IsWindows() && File.Exists(program) && (File.GetUnixFileMode(program) & Executable) != 0 ? [program, .. words[1..]] : null;
    }
}
