using System.Text;
using Wilson.Core.Configuration;

namespace Wilson.Agents.Workspaces;

/// <summary>
/// The file tools of an agent, confined to its worktree: paths are relative to the worktree, and an
/// absolute path, a <c>..</c> that leads out, a link that points out, or anything under <c>.git</c> is
/// refused with a message that says what to do instead. Large files are cut with a note.
/// </summary>
public sealed class WorktreeFiles
{
    private readonly string _root;
    private readonly int _maxReadBytes;

    /// <param name="root">The worktree.</param>
    /// <param name="maxReadBytes">The most of a file one read returns.</param>
    public WorktreeFiles(string root, int maxReadBytes = 256 * 1024)
    {
        _root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        _maxReadBytes = maxReadBytes;
    }

    /// <summary>The file's text, whole or lines <paramref name="fromLine"/> to <paramref name="toLine"/> (1-based, inclusive).</summary>
    public string Read(string path, int? fromLine = null, int? toLine = null)
    {
        var full = Resolve(path);
        if (Directory.Exists(full))
        {
            throw new ToolException($"{path} is a directory: list it with list_files");
        }

        if (!File.Exists(full))
        {
            throw new ToolException($"{path} does not exist");
        }

        using var stream = File.OpenRead(full);
        // The stream's length, not the FileInfo's: for a link, that is the link's own size.
        var length = stream.Length;
        var bytes = new byte[Math.Min(length, _maxReadBytes)];
        stream.ReadExactly(bytes);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return $"[{path} is a binary file of {length:N0} bytes: not shown]";
        }

        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var cut = length > bytes.Length;
        if (cut)
        {
            // The last line may be cut in the middle: drop it.
            lines = lines[..^1];
        }

        var first = Math.Max(1, fromLine ?? 1);
        var last = Math.Min(lines.Length, toLine ?? lines.Length);
        if (first > lines.Length && lines.Length > 0)
        {
            throw new ToolException($"{path} has {lines.Length} lines{(cut ? " in the part that can be read" : "")}: ask for lines 1 to {lines.Length}");
        }

        var text = string.Join('\n', lines[(first - 1)..Math.Max(first - 1, last)]);
        return cut && toLine is null
            ? $"{text}\n[... {path} is {length:N0} bytes; this is lines {first} to {last}: ask for a line range to read further ...]"
            : text;
    }

    /// <summary>Writes <paramref name="content"/> to the file, creating its directories.</summary>
    public string Write(string path, string content)
    {
        var full = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return $"wrote {path} ({content.Count(c => c == '\n') + (content.EndsWith('\n') || content.Length == 0 ? 0 : 1)} lines)";
    }

    /// <summary>Replaces the one exact occurrence of <paramref name="search"/> with <paramref name="replacement"/>.</summary>
    public string Edit(string path, string search, string replacement)
    {
        if (search.Length == 0)
        {
            throw new ToolException("search is empty: give the exact text to replace");
        }

        var full = Resolve(path);
        if (!File.Exists(full))
        {
            throw new ToolException($"{path} does not exist: create it with write_file");
        }

        var text = File.ReadAllText(full);
        var at = Occurrences(text, search);
        if (at.Count == 0)
        {
            throw new ToolException($"the search text is not in {path}. {Closest(text, search)}");
        }

        if (at.Count > 1)
        {
            var lines = string.Join(", ", at.Select(i => LineOf(text, i)));
            throw new ToolException($"the search text is in {path} {at.Count} times (lines {lines}): include more of the surrounding text so it matches once");
        }

        File.WriteAllText(full, string.Concat(text.AsSpan(0, at[0]), replacement, text.AsSpan(at[0] + search.Length)));
        return $"edited {path} at line {LineOf(text, at[0])}";
    }

    /// <summary>The files under <paramref name="directory"/> (default: the whole worktree), relative, sorted, without <c>.git</c>.</summary>
    public IReadOnlyList<string> List(string? directory = null)
    {
        var full = string.IsNullOrEmpty(directory) ? _root : Resolve(directory);
        if (!Directory.Exists(full))
        {
            throw new ToolException($"{directory} is not a directory");
        }

        return [.. Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(_root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(".git/", StringComparison.Ordinal) && f != ".git")
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The absolute path of <paramref name="path"/>, or a <see cref="ToolException"/> saying why it is refused.</summary>
    public string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ToolException("the path is empty: give a path relative to the worktree, e.g. src/app.py");
        }

        if (Path.IsPathRooted(path) || path.StartsWith('~'))
        {
            throw new ToolException($"{path} is an absolute path: give a path relative to the worktree, e.g. src/app.py");
        }

        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!IsInside(full))
        {
            throw new ToolException($"{path} leads outside the worktree: give a path inside it");
        }

        var relative = Path.GetRelativePath(_root, full);
        if (relative.Split(Path.DirectorySeparatorChar).Contains(".git"))
        {
            throw new ToolException($"{path} is inside .git, which Wilson manages: use git_status and git_diff instead");
        }

        // Every part that exists is checked, so a link anywhere on the way cannot lead out.
        var current = _root;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(current)!);
                if (!IsInside(target))
                {
                    throw new ToolException($"{path} goes through a link to {target}, outside the worktree: links out of it are not followed");
                }
            }
        }

        return full;
    }

    private bool IsInside(string full) => full == _root || full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static List<int> Occurrences(string text, string search)
    {
        var found = new List<int>();
        for (var i = text.IndexOf(search, StringComparison.Ordinal); i >= 0; i = text.IndexOf(search, i + 1, StringComparison.Ordinal))
        {
            found.Add(i);
        }

        return found;
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    // The line most like the search's first line, so the model sees what it should have written.
    private static string Closest(string text, string search)
    {
        var wanted = search.Split('\n')[0].Trim();
        var lines = text.Split('\n');
        var best = lines
            .Select((line, index) => (Line: line, Number: index + 1, Distance: Suggestions.Distance(line.Trim(), wanted)))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Line is null || best.Distance > Math.Max(wanted.Length / 2, 2)
            ? "Read the file first and copy the text exactly."
            : $"The closest line is {best.Number}: \"{best.Line.Trim()}\". Copy the text exactly, spaces included.";
    }
}
