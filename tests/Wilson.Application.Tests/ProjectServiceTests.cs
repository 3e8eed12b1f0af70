using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wilson.Application.Hosting;
using Wilson.Application.Projects;
using Wilson.Core.Configuration;
using Wilson.Core.Items;
using Wilson.Core.Pipelines;
using Wilson.Core.Storage;
using Wilson.Core.Workflow;
using Wilson.Testing;

namespace Wilson.Application.Tests;

/// <summary>A Wilson host on the Generic Host: each served project gets its service, which stops when the host does.</summary>
public sealed class ProjectServiceTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new("wilson-host");
    private IWorkStore _store = null!;

    public async Task InitializeAsync() =>
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Path), TimeProvider.System, Ct);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task AHostWithoutModels_SweepsEachProjectsDeadWorkersItemsBackToReady_AndStopsWhenAsked()
    {
        var served = new List<ServedProject>();
        foreach (var name in new[] { "shop", "blog" })
        {
            var project = await TestStores.RegisterAsync(_store, name, Ct);
            var config = ProjectConfigFile.Parse("wilson.yaml", $"project:\n  name: {name}\nleases:\n  duration: 1s\n");
            served.Add(new ServedProject(project, _directory.Path, config, PipelineCatalog.BuiltIn()));
            Assert.True((await _store.AddItemAsync(project.Id, new NewWorkItem { Title = $"{name} work", AcceptanceCriteria = ["done"] }, Actor.Person("ada"), Ct)).Succeeded);
            Assert.NotNull(await _store.ClaimAsync(new ClaimRequest($"{name}-dead-w1", TimeSpan.FromMilliseconds(200), project.Id), Ct));
        }

        var swept = new List<string>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddWilsonHost(new WilsonHostSettings
        {
            Store = _store,
            Projects = served,
            Variable = _ => null,
            ProjectOptions = new ProjectServiceOptions { OnSwept = (project, result) => { lock (swept) { swept.AddRange(result.Requeued.Select(k => $"{project.Project.Name} {k}")); } } },
        });
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await Eventually.True(() => { lock (swept) { return swept.Count == 2; } }, "both projects' items are swept", TimeSpan.FromSeconds(20));
        await host.StopAsync(Ct);

        Assert.Equal(["blog T-1", "shop T-1"], swept.Order(StringComparer.Ordinal));
        foreach (var project in served)
        {
            Assert.Equal(WorkStatus.Ready, (await _store.GetItemAsync(project.Project.Id, "T-1", Ct))!.Status);
        }

        Assert.All(host.Services.GetServices<IHostedService>().OfType<ProjectService>(), s => Assert.True(s.ExecuteTask!.IsCompletedSuccessfully));
    }
}
