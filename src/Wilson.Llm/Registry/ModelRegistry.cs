namespace Wilson.Llm.Registry;

/// <summary>
/// The endpoints as last seen: up or down, latency, last error, which models they have (cold) and which
/// are loaded (warm). Checked on a timer; every change is reported as a <see cref="ModelEvent"/>.
/// </summary>
public sealed class ModelRegistry : IAsyncDisposable
{
    private readonly IReadOnlyList<ModelEndpoint> _endpoints;
    private readonly IEndpointProbe _probe;
    private readonly IModelEventSink _events;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _gate = new();
    private Dictionary<string, EndpointStatus> _statuses = new(StringComparer.Ordinal);
    private ITimer? _timer;

    public ModelRegistry(IReadOnlyList<ModelEndpoint> endpoints, IEndpointProbe probe, IModelEventSink events, TimeProvider time)
    {
        _endpoints = endpoints;
        _probe = probe;
        _events = events;
        _time = time;
    }

    /// <summary>Every endpoint's last status (checked ones only), in configuration order.</summary>
    public IReadOnlyList<EndpointStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return [.. _endpoints.Where(e => _statuses.ContainsKey(e.Name)).Select(e => _statuses[e.Name])];
            }
        }
    }

    /// <summary>The endpoint's last status; null before its first check.</summary>
    public EndpointStatus? StatusOf(string endpoint)
    {
        lock (_gate)
        {
            return _statuses.GetValueOrDefault(endpoint);
        }
    }

    /// <summary>Checks every endpoint now (side by side) and reports what changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var checks = await Task.WhenAll(_endpoints.Select(e => _probe.ProbeAsync(e, cancellationToken)));
            Dictionary<string, EndpointStatus> previous;
            lock (_gate)
            {
                previous = _statuses;
                _statuses = checks.ToDictionary(s => s.Name, StringComparer.Ordinal);
            }

            foreach (var status in checks)
            {
                ReportChanges(previous.GetValueOrDefault(status.Name), status);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Checks now and then every <paramref name="interval"/> on the registry's clock.</summary>
    public void Start(TimeSpan interval)
    {
        _timer?.Dispose();
        _timer = _time.CreateTimer(_ => _ = RefreshQuietlyAsync(), null, TimeSpan.Zero, interval);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _timer?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down between two checks.
        }
    }

    private void ReportChanges(EndpointStatus? before, EndpointStatus now)
    {
        if (before?.Healthy != now.Healthy)
        {
            _events.Publish(now.Healthy
                ? new ModelEvent(ModelEvent.EndpointUp, $"{now.Name} is up{(now.Version is { } v ? $" (version {v})" : "")}, answered in {now.Latency?.TotalMilliseconds:0} ms", now.Name)
                : new ModelEvent(ModelEvent.EndpointDown, $"{now.Name} is down: {now.LastError}", now.Name));
        }

        if (!now.Healthy)
        {
            return;
        }

        // A down endpoint says nothing about its models: compare with what it last said when up.
        var beforePulled = before is { Healthy: true } ? before.Pulled.Select(m => m.Name).ToHashSet() : null;
        var beforeLoaded = before is { Healthy: true } ? before.Loaded.Select(m => m.Name).ToHashSet() : [];
        if (beforePulled is not null)
        {
            foreach (var added in now.Pulled.Where(m => !beforePulled.Contains(m.Name)))
            {
                _events.Publish(new ModelEvent(ModelEvent.Pulled, $"{added.Name} is now available on {now.Name}", now.Name, added.Name));
            }

            foreach (var gone in beforePulled.Where(name => !now.Has(name)))
            {
                _events.Publish(new ModelEvent(ModelEvent.Removed, $"{gone} is no longer available on {now.Name}", now.Name, gone));
            }
        }

        foreach (var loaded in now.Loaded.Where(m => !beforeLoaded.Contains(m.Name)))
        {
            _events.Publish(new ModelEvent(ModelEvent.Loaded, $"{loaded.Name} is loaded on {now.Name}", now.Name, loaded.Name));
        }

        foreach (var unloaded in beforeLoaded.Where(name => !now.IsLoaded(name)))
        {
            _events.Publish(new ModelEvent(ModelEvent.Unloaded, $"{unloaded} is no longer loaded on {now.Name}", now.Name, unloaded));
        }
    }
}
