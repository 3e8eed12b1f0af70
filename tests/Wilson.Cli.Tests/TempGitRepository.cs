using Wilson.Testing;

namespace Wilson.Cli.Tests;

/// <summary>A fresh git repository (real <c>git init</c>, with a user configured) in a temp directory.</summary>
internal sealed class TempGitRepository : IDisposable
{
    private readonly TempDirectory _directory;

    private TempGitRepository(TempDirectory directory) => _directory = directory;

    public string Path => _directory.Path;

    public static async Task<TempGitRepository> CreateAsync(string branch = "main")
    {
        var directory = new TempDirectory("wilson-cli");
        await GitRunner.RunAsync(directory.Path, "init", $"--initial-branch={branch}");
        await GitRunner.RunAsync(directory.Path, "config", "user.name", "Wilson Tests");
        await GitRunner.RunAsync(directory.Path, "config", "user.email", "tests@wilson.invalid");
        return new TempGitRepository(directory);
    }

    /// <summary>A repository with <c>wilson init</c> already run in it.</summary>
    public static async Task<TempGitRepository> CreateInitialisedAsync(params string[] initArguments)
    {
        var repository = await CreateAsync();
        var init = await Cli.RunAsync(repository.Path, ["init", .. initArguments]);
        Assert.True(init.ExitCode == 0, init.ToString());
        return repository;
    }

    public string Combine(params string[] parts) => _directory.Combine(parts);

    public void Dispose() => _directory.Dispose();
}
