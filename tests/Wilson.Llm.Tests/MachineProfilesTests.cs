using System.Reflection;
using Wilson.Core.Configuration;

namespace Wilson.Llm.Tests;

public sealed class MachineProfilesTests
{
    public static TheoryData<string> Profiles => [.. MachineProfiles.Names];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_profile_is_a_valid_models_section_serving_every_purpose(string profile)
    {
        var text = ProjectConfigFile.Template("shop", "main", "standard") + "\n" + MachineProfiles.Text(profile);

        var models = ProjectConfigFile.Parse("wilson.yaml", text).Models;

        Assert.Equal(ModelsConfig.Purposes.Order(), models.PurposeModels.Keys.Order());
        Assert.Contains(models.Models.Values, m => m.KeepAlive);
    }

    [Fact]
    public void The_local_profiles_fit_their_machines_and_cloud_plans_in_the_cloud()
    {
        long Budget(string profile) => ProjectConfigFile.Parse("f", $"project:\n  name: x\n{MachineProfiles.Text(profile)}").Models.MemoryBudgetBytes!.Value;

        Assert.True(Budget("low") < 8L << 30);
        Assert.True(Budget("mid") < 16L << 30);
        Assert.True(Budget("high") < 32L << 30);
        var cloud = ProjectConfigFile.Parse("f", $"project:\n  name: x\n{MachineProfiles.Text("cloud")}").Models;
        Assert.True(cloud.Endpoints[cloud.Models[cloud.PurposeModels["plan"][0]].Endpoint].Cloud);
        Assert.True(cloud.Endpoints[cloud.Models[cloud.PurposeModels["review"][0]].Endpoint].Cloud);
        Assert.NotNull(cloud.Budgets.DayCost);
    }

    [Theory]
    [InlineData(6L << 30, "low")]
    [InlineData(16L << 30, "mid")]
    [InlineData(24L << 30, "mid")]
    [InlineData(32L << 30, "high")]
    public void The_profile_for_a_machine_follows_its_memory(long memory, string expected) =>
        Assert.Equal(expected, MachineProfiles.ForMemory(memory));

    [Fact]
    public void An_unknown_profile_is_refused_listing_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => MachineProfiles.Text("huge"));

        Assert.StartsWith("unknown profile 'huge'; known profiles: low, mid, high, cloud, llama-cpp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_llama_cpp_profile_serves_every_purpose_from_llama_server_on_this_machine_without_a_key()
    {
        var models = ProjectConfigFile.Parse("f", $"project:\n  name: x\n{MachineProfiles.Text("llama-cpp")}").Models;

        var endpoint = Assert.Single(models.Endpoints);
        Assert.Equal(("llamacpp", "openai", "http://127.0.0.1:8080/v1/", null, false),
            (endpoint.Key, endpoint.Value.Protocol, endpoint.Value.Url?.AbsoluteUri, endpoint.Value.ApiKeyEnv, endpoint.Value.Cloud));
        var model = Assert.Single(models.Models);
        Assert.Equal(("local-model", "llamacpp", 8192, 1, true), (model.Key, model.Value.Endpoint, model.Value.NumCtx, model.Value.MaxConcurrency, model.Value.SupportsTools));
        Assert.All(models.PurposeModels.Values, purpose => Assert.Equal(["local-model"], purpose));
    }

    [Fact]
    public void The_readme_example_of_the_models_section_is_valid()
    {
        var root = typeof(MachineProfilesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("```yaml\nmodels:", StringComparison.Ordinal) + "```yaml\n".Length;
        var example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var models = ProjectConfigFile.Parse("README.md", "project:\n  name: x\n" + example).Models;

        Assert.Equal(["qwen2.5-coder:7b", "llama-3.3-70b"], models.PurposeModels["code"]);
        Assert.Equal(5_000_000, models.Budgets.ProjectDayTokens);
    }
}
