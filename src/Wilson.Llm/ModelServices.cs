using Microsoft.Extensions.AI;
using Wilson.Core.Items;
using Wilson.Core.Storage;
using Wilson.Llm.Lifecycle;
using Wilson.Llm.Providers;
using Wilson.Llm.Registry;
using Wilson.Llm.Routing;
using Wilson.Llm.Usage;

namespace Wilson.Llm;

/// <summary>
/// The model layer put together for a host: registry, lifecycle, router and providers over one catalog.
/// <see cref="ClientFor"/> gives a role its client: budget check, then usage, then routing with fallback.
/// </summary>
public sealed class ModelServices : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly ChatClientFactory _factory;
    private readonly ChatClientCache _clients;
    private readonly IWorkStore _ledger;
    private readonly IModelEventSink _events;
    private readonly TimeProvider _time;
    private readonly ModelRouter _router;
    private readonly ModelFactsSource _facts;
    private readonly EndpointResilience _resilience;

    public ModelServices(ModelCatalog catalog, IWorkStore ledger, IModelEventSink events, TimeProvider time, Func<string, string?> environment, FallbackOptions? fallback = null)
    {
        Catalog = catalog;
        _ledger = ledger;
        _events = events;
        _time = time;
        _factory = new ChatClientFactory(environment, time);
        _clients = new ChatClientCache(_factory);
        Registry = new ModelRegistry(catalog.Endpoints, new EndpointProbe(_http, environment, time), events, time);
        var budget = catalog.Config.MemoryBudgetBytes ?? MachineMemory.TotalBytes();
        Lifecycle = new ModelLifecycle(catalog.Models, catalog.Purposes, budget, new EndpointModelHost(_http), events, time);
        _resilience = new EndpointResilience(fallback ?? new FallbackOptions(), time, events);
        _router = new ModelRouter(catalog);
        _facts = new ModelFactsSource(catalog, Registry, Lifecycle, _resilience);
        ContextWindows = new ContextWindows(catalog, Registry);
    }

    public ModelCatalog Catalog { get; }

    public ModelRegistry Registry { get; }

    public ModelLifecycle Lifecycle { get; }

    /// <summary>Each model's context window, as configured or as its endpoint last reported it.</summary>
    public ContextWindows ContextWindows { get; }

    /// <summary>
    /// The tokens of context a call for <paramref name="purpose"/> can count on: the smallest known window of the
    /// purpose's models (configured <c>num_ctx</c> first, else reported by the endpoint's last check); null when
    /// none is known. A conversation kept inside it fits whichever model answers.
    /// </summary>
    public int? ContextWindow(string purpose) => ContextWindows.ForPurpose(purpose);

    /// <summary>Where a call for <paramref name="purpose"/> at <paramref name="tier"/> would go now, and why.</summary>
    public RouteDecision Route(string purpose, ComplexityTier tier) => _router.Choose(new RouteRequest(purpose, tier), _facts.Snapshot());

    /// <summary>The client for one role's calls on behalf of <paramref name="context"/>; <paramref name="pinned"/> is a model a person chose for the work.</summary>
    public IChatClient ClientFor(CallContext context, ComplexityTier tier, string? pinned = null)
    {
        IChatClient routed = new RoutedChatClient(context.Purpose, tier, _router, _facts, Lifecycle, _clients, _resilience, _events, pinned);
        // The first added is the outermost: the budget is checked before anything else happens.
        return new ChatClientBuilder(routed)
            .Use(inner => new BudgetChatClient(inner, Catalog, context, _ledger, _events, _time))
            .Use(inner => new UsageChatClient(inner, Catalog, context, _ledger, _time))
            .Build();
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Lifecycle.DisposeAsync();
        _clients.Dispose();
        _factory.Dispose();
        _http.Dispose();
    }
}
