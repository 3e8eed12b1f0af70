using System.Text.Json;
using Wilson.Application.Models;
using Wilson.Core.Configuration;
using Wilson.Core.Events;
using Wilson.Core.Storage;
using Wilson.Llm;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Application.Tests;

/// <summary>What happens to the models reaches the event log of every served project, as the board and chat read it.</summary>
public sealed class ModelEventLogTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new("wilson-model-events");
    private FakeModelServer _ollama = null!;
    private IWorkStore _store = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.Add(new FakeModel("qwen2.5-coder:7b"));
        _ollama = await FakeModelServer.StartAsync(script);
        _store = await TestStores.OpenAsync(TestStores.NewSqlite(_directory.Path), TimeProvider.System, Ct);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _ollama.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Publish_ModelsLoadedAndAnEndpointDown_AreInTheLogOfEveryServedProject()
    {
        var shop = await TestStores.RegisterAsync(_store, "shop", Ct);
        var blog = await TestStores.RegisterAsync(_store, "blog", Ct);
        var catalog = ModelCatalog.From(ProjectConfigFile.Parse("wilson.yaml", $"""
            project:
              name: shop
            models:
              endpoints:
                local:
                  protocol: ollama
                  url: {_ollama.BaseUri}
                gone:
                  protocol: ollama
                  url: http://127.0.0.1:{Ports.Closed()}
              models:
                qwen2.5-coder:7b:
                  endpoint: local
                  keep_alive: true
                llama3.2:3b:
                  endpoint: gone
              purposes:
                code: qwen2.5-coder:7b
                docs: llama3.2:3b
            """).Models, _ => null);

        var log = new ModelEventLog(_store, () => [shop.Id, blog.Id]);
        await using (var services = new ModelServices(catalog, _store, log, TimeProvider.System, _ => null))
        {
            await services.Registry.RefreshAsync(Ct);
            await services.Lifecycle.WarmKeepAliveModelsAsync(Ct);
        }

        await log.DisposeAsync();

        foreach (var project in new[] { shop, blog })
        {
            var events = (await _store.ReadEventsAsync(new EventQuery { ProjectId = project.Id }, Ct)).Where(e => e.Type.StartsWith("model.", StringComparison.Ordinal)).ToList();
            var loaded = Assert.Single(events, e => e.Type == ModelEvent.Loaded && Field(e, "model") == "qwen2.5-coder:7b" && Field(e, "endpoint") == "local");
            Assert.Contains("qwen2.5-coder:7b", Field(loaded, "message"), StringComparison.Ordinal);
            Assert.Contains(events, e => e.Type == ModelEvent.EndpointDown && Field(e, "endpoint") == "gone");
            Assert.All(events, e => Assert.Null(e.ItemKey));
        }
    }

    [Fact]
    public void IsLogged_RoutingDecisions_StayOutOfTheLog()
    {
        Assert.False(ModelEventLog.IsLogged(Llm.Routing.RoutedChatClient.RoutedEvent));
        Assert.True(ModelEventLog.IsLogged(Llm.Routing.RoutedChatClient.FallbackEvent));
        Assert.True(ModelEventLog.IsLogged(Llm.Usage.BudgetChatClient.ExceededEvent));
    }

    private static string? Field(WorkEvent e, string name) => JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty(name).GetString();
}
