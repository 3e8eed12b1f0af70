using Wilson.Core.Configuration;

namespace Wilson.Core.Tests.Configuration;

public sealed class StrictYamlReaderTests
{
    private readonly StrictYamlReader _reader = new("s.yaml");

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void GetBool_TrueOrFalse_ReadsIt(string text, bool expected)
    {
        var root = _reader.ParseRoot($"flag: {text}\n");

        Assert.Equal(expected, _reader.GetBool(root, "", "flag"));
    }

    [Fact]
    public void GetBool_OtherText_IsRefused()
    {
        var root = _reader.ParseRoot("settings:\n  flag: yes\n");
        var settings = _reader.GetMapping(root, "", "settings")!;

        var error = Assert.Throws<ConfigFormatException>(() => _reader.GetBool(settings, "settings", "flag"));

        Assert.Equal("s.yaml:2: settings.flag: expected true or false, not 'yes'", error.Message);
    }

    [Fact]
    public void Getters_MissingKey_ReturnNull()
    {
        var root = _reader.ParseRoot("other: 1\n");

        Assert.Null(_reader.GetString(root, "", "name"));
        Assert.Null(_reader.GetBool(root, "", "name"));
        Assert.Null(_reader.GetInt(root, "", "name", 1, 10));
        Assert.Null(_reader.GetDuration(root, "", "name"));
        Assert.Null(_reader.GetMapping(root, "", "name"));
        Assert.Null(_reader.GetSequence(root, "", "name"));
    }

    [Fact]
    public void GetInt_InRange_ReadsIt()
    {
        var root = _reader.ParseRoot("n: 10\n");

        Assert.Equal(10, _reader.GetInt(root, "", "n", 1, 10));
    }

    [Fact]
    public void GetMapping_List_IsRefused()
    {
        var root = _reader.ParseRoot("leases:\n  - 5m\n");

        var error = Assert.Throws<ConfigFormatException>(() => _reader.GetMapping(root, "", "leases"));

        Assert.Equal((2, "leases", "expected a mapping of keys to values"), (error.Line, error.Key, error.Problem));
    }

    [Fact]
    public void RequireKnownKeys_NestedUnknownKey_NamesThePath()
    {
        var root = _reader.ParseRoot("a:\n  b:\n    colr: red\n");
        var b = _reader.GetMapping(_reader.GetMapping(root, "", "a")!, "a", "b")!;

        var error = Assert.Throws<ConfigFormatException>(() => _reader.RequireKnownKeys(b, "a.b", ["color"]));

        Assert.Equal("s.yaml:3: a.b.colr: unknown key (did you mean 'color'?); known keys: color", error.Message);
    }

    [Fact]
    public void RequireKnownKeys_MappingAsTopLevelKey_IsRefused()
    {
        var root = _reader.ParseRoot("? {a: 1}\n: x\n");

        var error = Assert.Throws<ConfigFormatException>(() => _reader.RequireKnownKeys(root, "", ["a"]));

        Assert.Equal((1, "(document)"), (error.Line, error.Key));
    }
}
