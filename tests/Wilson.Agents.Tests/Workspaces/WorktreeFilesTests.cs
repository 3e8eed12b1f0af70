using Wilson.Agents.Workspaces;
using Wilson.Testing;

namespace Wilson.Agents.Tests.Workspaces;

public sealed class WorktreeFilesTests : IDisposable
{
    private readonly TempDirectory _directory = new("wilson-worktree");
    private readonly string _root;
    private readonly WorktreeFiles _files;

    public WorktreeFilesTests()
    {
        _root = _directory.Combine("worktree");
        Directory.CreateDirectory(Path.Combine(_root, ".git"));
        _files = new WorktreeFiles(_root, maxReadBytes: 1024);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Written_files_read_back_whole_or_by_line_range()
    {
        var written = _files.Write("src/app.py", "one\ntwo\nthree\nfour\n");

        Assert.Equal("wrote src/app.py (4 lines)", written);
        Assert.Equal("one\ntwo\nthree\nfour\n", _files.Read("src/app.py"));
        Assert.Equal("two\nthree", _files.Read("src/app.py", 2, 3));
        Assert.Equal(["src/app.py"], _files.List());
    }

    [Theory]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("~/.ssh/id_rsa", "is an absolute path")]
    [InlineData("../outside.txt", "leads outside the worktree")]
    [InlineData("src/../../outside.txt", "leads outside the worktree")]
    [InlineData(".git/config", "inside .git")]
    [InlineData("src/../.git/hooks/pre-commit", "inside .git")]
    [InlineData("", "the path is empty")]
    public void Paths_that_leave_the_worktree_are_refused_with_what_to_do(string path, string problem)
    {
        var error = Assert.Throws<ToolException>(() => _files.Write(path, "x"));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.Combine("outside.txt")));
    }

    [Fact]
    public void A_link_that_points_out_of_the_worktree_is_not_followed()
    {
        Directory.CreateDirectory(_directory.Combine("secrets"));
        File.WriteAllText(_directory.Combine("secrets", "key"), "s3cr3t");
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), _directory.Combine("secrets"));

        var read = Assert.Throws<ToolException>(() => _files.Read("escape/key"));
        var write = Assert.Throws<ToolException>(() => _files.Write("escape/new", "x"));

        Assert.Contains("goes through a link to", read.Message, StringComparison.Ordinal);
        Assert.Contains("outside the worktree", write.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.Combine("secrets", "new")));
    }

    [Fact]
    public void A_link_inside_the_worktree_is_fine()
    {
        _files.Write("docs/readme.md", "hello");
        File.CreateSymbolicLink(Path.Combine(_root, "README.md"), Path.Combine(_root, "docs", "readme.md"));

        Assert.Equal("hello", _files.Read("README.md"));
    }

    [Fact]
    public void A_large_file_is_cut_with_a_note_saying_how_to_read_further()
    {
        _files.Write("big.txt", string.Join('\n', Enumerable.Range(1, 1000).Select(i => $"line {i}")));

        var text = _files.Read("big.txt");

        Assert.StartsWith("line 1\nline 2\n", text, StringComparison.Ordinal);
        Assert.Contains("ask for a line range to read further", text, StringComparison.Ordinal);
        Assert.True(text.Length < 1300);
        Assert.Equal("line 5", _files.Read("big.txt", 5, 5));
    }

    [Fact]
    public void A_binary_file_is_described_not_shown()
    {
        File.WriteAllBytes(Path.Combine(_root, "image.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02]);

        Assert.Equal("[image.png is a binary file of 7 bytes: not shown]", _files.Read("image.png"));
    }

    [Fact]
    public void Edit_replaces_the_one_exact_occurrence()
    {
        _files.Write("app.py", "def add(a, b):\n    return a - b\n");

        var result = _files.Edit("app.py", "return a - b", "return a + b");

        Assert.Equal("edited app.py at line 2", result);
        Assert.Equal("def add(a, b):\n    return a + b\n", _files.Read("app.py"));
    }

    [Fact]
    public void Edit_with_no_match_shows_the_closest_line()
    {
        _files.Write("app.py", "def add(a, b):\n    return a - b\n");

        var error = Assert.Throws<ToolException>(() => _files.Edit("app.py", "return a -b", "return a + b"));

        Assert.Contains("The closest line is 2: \"return a - b\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("def add(a, b):\n    return a - b\n", _files.Read("app.py"));
    }

    [Fact]
    public void Edit_with_several_matches_asks_for_more_context()
    {
        _files.Write("app.py", "x = 1\ny = 2\nx = 1\n");

        var error = Assert.Throws<ToolException>(() => _files.Edit("app.py", "x = 1", "x = 3"));

        Assert.Contains("2 times (lines 1, 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_what_is_not_there_says_so()
    {
        Assert.Contains("does not exist", Assert.Throws<ToolException>(() => _files.Read("missing.py")).Message, StringComparison.Ordinal);
        _files.Write("src/a.py", "");
        Assert.Contains("is a directory", Assert.Throws<ToolException>(() => _files.Read("src")).Message, StringComparison.Ordinal);
    }
}
