using Wilson.Testing.Models;

namespace Wilson.Cli.Tests;

/// <summary>
/// A repository set up for Wilson with one committed README, a one-stage <c>quick</c> pipeline (develop, then done:
/// merged at once when the policy approves) and its code purpose on the fake model server: what the tests of whole
/// <c>serve</c> processes run on.
/// </summary>
internal static class QuickProject
{
    public static async Task<TempGitRepository> CreateAsync(string name, Uri server, string leaseDuration)
    {
        var repository = await TempGitRepository.CreateAsync();
        File.WriteAllText(repository.Combine("README.md"), "a small project\n");
        await GitRunner.RunAsync(repository.Path, "add", "--all");
        await GitRunner.RunAsync(repository.Path, "commit", "--quiet", "-m", "start");
        Assert.Equal(0, (await Cli.RunAsync(repository.Path, "init")).ExitCode);
        Directory.CreateDirectory(repository.Combine(".wilson", "pipelines"));
        File.WriteAllText(repository.Combine(".wilson", "pipelines", "quick.yaml"), "name: quick\nstages:\n  - name: develop\n    role: developer\n  - name: done\n");
        File.WriteAllText(repository.Combine(".wilson", "wilson.yaml"), $"""
            project:
              name: {name}
              default_branch: main
              pipeline: quick
            leases:
              duration: {leaseDuration}
            models:
              endpoints:
                local:
                  protocol: ollama
                  url: {server}
              models:
                {FakeModelScript.DefaultModelName}:
                  endpoint: local
                  max_concurrency: 4
              purposes:
                code: {FakeModelScript.DefaultModelName}
            commands:
              sandbox: false
            """);
        return repository;
    }
}
