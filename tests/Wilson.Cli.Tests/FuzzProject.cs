using System.Globalization;

namespace Wilson.Cli.Tests;

/// <summary>
/// The project a pipeline fuzz run works on: a small shell project whose tests are real (<c>sh test.sh</c> runs
/// every <c>tests/t_*.sh</c>), initialised with <c>wilson init --profile mid</c>, its models pointed at the fake
/// server on the case's protocol (on Ollama the mid profile's own two models; on OpenAI and Anthropic an able and a
/// weak model written by hand), each purpose routed to the model the case gives it, and bounds tight (but such as a
/// person might set) so that a weak model's run ends in seconds:
/// <list type="bullet">
/// <item><c>planning.max_items: 4</c>: a plan holds at most four items, bugs included.</item>
/// <item><c>models.budgets.item_tokens</c> (<see cref="ItemTokens"/>): an item's model calls stop there, and the item waits for a person.</item>
/// <item><c>max_output_tokens: 256</c>: endless text stops there, as a server stops a model.</item>
/// <item><c>commands</c>: a command silent for 10 s or running 20 s is killed.</item>
/// </list>
/// </summary>
internal sealed class FuzzProject : IDisposable
{
    /// <summary>
    /// An item's token budget. An able agent's item takes about 2k tokens from plan to merge and a weak model's call
    /// 1-3k (the role's prompt, the briefing, the tool results so far), so an item gets some ten weak calls before it
    /// waits for a person; a loop no retry count stops (a merge that conflicts or fails again and again) ends here.
    /// </summary>
    public const long ItemTokens = 30_000;

    /// <summary>The most items one plan may hold.</summary>
    public const int MaxItems = 4;

    /// <summary>The most a model may answer in one call, in tokens.</summary>
    public const int MaxOutputTokens = 256;

    public const string Branch = "main";

    public const string TestCommand = "sh test.sh";

    private FuzzProject(TempGitRepository repository) => Repository = repository;

    public TempGitRepository Repository { get; }

    public string Path => Repository.Path;

    public string Database => Repository.Combine(".wilson", "wilson.db");

    /// <summary>The project's name, as <c>wilson init</c> wrote it in wilson.yaml.</summary>
    public string Name => File.ReadLines(Repository.Combine(".wilson", "wilson.yaml"))
        .Select(line => line.Trim()).First(line => line.StartsWith("name: ", StringComparison.Ordinal))["name: ".Length..];

    public static async Task<FuzzProject> CreateAsync(FuzzCase fuzzCase, Uri server)
    {
        var repository = await TempGitRepository.CreateAsync(Branch);
        var project = new FuzzProject(repository);
        try
        {
            Directory.CreateDirectory(repository.Combine("tests"));
            File.WriteAllText(repository.Combine("calc.sh"), "add() { echo $(($1 + $2)); }\n");
            File.WriteAllText(repository.Combine("test.sh"), "for t in tests/t_*.sh; do sh \"$t\" || exit 1; done\necho all passed\n");
            File.WriteAllText(repository.Combine("tests", "t_add.sh"), ". ./calc.sh\n[ \"$(add 2 3)\" = 5 ] || { echo \"add 2 3 is $(add 2 3)\"; exit 1; }\n");
            File.WriteAllText(repository.Combine("README.md"), "# calc\n\n`. ./calc.sh; add 2 3` prints 5.\n");
            await GitRunner.RunAsync(repository.Path, "add", "--all");
            await GitRunner.RunAsync(repository.Path, "commit", "--quiet", "-m", "a small shell project with tests");
            var init = await Cli.RunAsync(repository.Path, "init", "--profile", "mid");
            Assert.True(init.ExitCode == 0, init.ToString());
            var config = repository.Combine(".wilson", "wilson.yaml");
            File.WriteAllText(config, Configure(File.ReadAllText(config), fuzzCase, server));
            return project;
        }
        catch
        {
            project.Dispose();
            throw;
        }
    }

    public void Dispose() => Repository.Dispose();

    private static string Configure(string config, FuzzCase fuzzCase, Uri server)
    {
        var (able, weak) = FuzzTeam.Models(fuzzCase);
        config = config.Replace("test_command: \"\"", $"test_command: {TestCommand}", StringComparison.Ordinal);
        var models = config.IndexOf("models:\n", StringComparison.Ordinal);
        Assert.True(models > 0, $"the mid profile has no models section:\n{config}");
        var purposes = "  purposes:\n    chat: " + able + "\n" +
            string.Concat(FuzzTeam.Purposes.Select(p => $"    {p}: {(fuzzCase.WeakPurposes.Contains(p) ? weak : able)}\n"));
        var rest = string.Create(CultureInfo.InvariantCulture, $"""
              budgets:
                item_tokens: {ItemTokens}
            planning:
              max_items: {MaxItems}
            commands:
              silence_warning: 5s
              silence_kill: 10s
              deadline: 20s

            """);
        string Model(string name, string tools) => string.Create(CultureInfo.InvariantCulture, $"""
                {name}:
                  endpoint: local
                  num_ctx: 16384
                  max_output_tokens: {MaxOutputTokens}
                  supports_tools: {tools}
                  size: 1GB

            """);
        var weakTools = fuzzCase.NativeTools ? "true" : fuzzCase.Constrained ? "false\n      constrained_calls: true" : "false";
        if (fuzzCase.Protocol == "ollama")
        {
            // The mid profile as init wrote it (two models on Ollama, the small one kept loaded), its purposes routed by
            // the case, every answer capped, and the small model on the text protocol when the case says so.
            var section = config[models..];
            var purposesAt = section.IndexOf("  purposes:\n", StringComparison.Ordinal);
            var weakAt = section.IndexOf($"    {weak}:\n", StringComparison.Ordinal);
            Assert.True(purposesAt > 0 && weakAt > 0, $"the mid profile changed:\n{section}");
            var weakEnd = section.IndexOf("supports_tools: true", weakAt, StringComparison.Ordinal);
            section = section[..weakEnd] + $"supports_tools: {weakTools}" + section[(weakEnd + "supports_tools: true".Length)..purposesAt];
            section = section
                .Replace("url: \"\"", $"url: {server}", StringComparison.Ordinal)
                .Replace("supports_tools: ", string.Create(CultureInfo.InvariantCulture, $"max_output_tokens: {MaxOutputTokens}\n      supports_tools: "), StringComparison.Ordinal);
            Assert.Contains($"url: {server}", section, StringComparison.Ordinal);
            return config[..models] + section + purposes + rest;
        }

        var endpoint = fuzzCase.Protocol == "openai" ? $"protocol: openai\n      url: {server}v1" : $"protocol: anthropic\n      url: {server}";
        return config[..models] + $"""
            models:
              endpoints:
                local:
                  {endpoint}
              memory_budget: 4GB
              models:

            """ + Model(able, "true") + Model(weak, weakTools) + purposes + rest;
    }
}
