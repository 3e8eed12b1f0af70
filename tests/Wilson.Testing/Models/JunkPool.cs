using System.Text.RegularExpressions;

namespace Wilson.Testing.Models;

/// <summary>
/// The strings and numbers a weak model fills arguments and text with: words, file names seen in the
/// conversation, paths outside the work tree, empty and very long strings; all drawn from one seeded <see cref="Random"/>.
/// </summary>
internal sealed partial class JunkPool(Random random, IReadOnlyList<string> fileNames)
{
    private const int MaxFileNames = 20;

    private static readonly string[] Words =
        ["foo", "bar", "test", "main", "hello", "world", "TODO", "fix", "data", "value", "tmp", "null", "none", "x"];

    private static readonly string[] Babble =
    [
        "I", "will", "now", "look", "at", "the", "file", "code", "should", "work", "let", "me", "check", "hmm", "okay",
        "so", "first", "we", "need", "to", "fix", "it", "done", "tests", "maybe", "function", "update", "wait", "actually",
        "this", "is", "correct", "<|im_end|>", "assistant", "```", "Sure!", "step", "1:", "error", "probably", "fine",
    ];

    private static readonly string[] DefaultFileNames = ["README.md", "main.py"];

    private static readonly string LongString = string.Join(' ', Enumerable.Repeat("a very long string that goes on", 120));

    /// <summary>The pool for <paramref name="conversation"/>: its file names (<c>hello.txt</c>, <c>src/app.py</c>) in order of appearance.</summary>
    public static JunkPool For(Conversation conversation, Random random)
    {
        var names = new List<string>();
        foreach (var message in conversation.Messages)
        {
            foreach (Match match in FileName().Matches(message.Text))
            {
                if (names.Count < MaxFileNames && !names.Contains(match.Value, StringComparer.Ordinal))
                {
                    names.Add(match.Value);
                }
            }
        }

        return new JunkPool(random, names.Count > 0 ? names : DefaultFileNames);
    }

    /// <summary>A string argument; a property named like a path gets a file name more often.</summary>
    public string String(string? propertyName)
    {
        if (propertyName is not null && LooksLikePath(propertyName) && random.NextDouble() < 0.5)
        {
            return File();
        }

        return random.Next(100) switch
        {
            < 35 => Word(),
            < 60 => File(),
            < 70 => "../../etc/passwd",
            < 78 => "/etc/passwd",
            < 86 => "",
            < 92 => LongString,
            _ => "ok",
        };
    }

    /// <summary>A whole number: usually small, sometimes negative or huge.</summary>
    public long Integer() => random.Next(100) switch
    {
        < 60 => random.Next(0, 11),
        < 75 => random.Next(11, 1_001),
        < 85 => -random.Next(1, 101),
        < 95 => int.MaxValue,
        _ => 9_007_199_254_740_993,
    };

    public string Word() => Words[random.Next(Words.Length)];

    public string File() => fileNames[random.Next(fileNames.Count)];

    /// <summary>Gibberish: <paramref name="count"/> words of babble and file names, separated by single spaces.</summary>
    public string Gibberish(int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => random.Next(8) == 0 ? File() : Babble[random.Next(Babble.Length)]));

    private static bool LooksLikePath(string name) =>
        name.Contains("path", StringComparison.OrdinalIgnoreCase)
        || name.Contains("file", StringComparison.OrdinalIgnoreCase)
        || name.Contains("dir", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"(?<![\w./-])(?:\.{1,2}/|/)?(?:[\w-]+/)*[\w-]+\.[A-Za-z][A-Za-z0-9]{0,7}(?![\w/])")]
    private static partial Regex FileName();
}
