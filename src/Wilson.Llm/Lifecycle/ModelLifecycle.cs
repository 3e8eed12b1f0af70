namespace Wilson.Llm.Lifecycle;

/// <summary>
/// Which models are loaded, and who holds them. <see cref="AcquireAsync(string, CancellationToken)"/> returns a
/// reference-counted lease; a model nobody holds stays loaded if it is keep_alive, and otherwise unloads after
/// its idle timeout. A memory budget decides whether another model may load: if not, idle models are unloaded
/// to make room, and failing that the acquire waits its turn (first come, first served) and says so with a
/// <c>model.queued</c> event. The chat model's memory is kept free for it, so chat never waits behind workers.
/// </summary>
public sealed class ModelLifecycle : IAsyncDisposable
{
    private const string ChatPurpose = "chat";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelSlot> _slots;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _purposes;
    private readonly ModelSlot? _chat;
    private readonly IModelHost _host;
    private readonly IModelEventSink _events;
    private readonly TimeProvider _time;
    private readonly LinkedList<Waiter> _waiters = new();
    private long _used;

    /// <param name="models">Every configured model, by name.</param>
    /// <param name="purposes">For each purpose, its models in order of preference.</param>
    /// <param name="memoryBudget">Bytes that loaded local models may take together.</param>
    /// <param name="host">Loads and unloads models where they run.</param>
    /// <param name="events">Where loads, unloads and waits are reported.</param>
    /// <param name="time">The clock idle timeouts run on.</param>
    public ModelLifecycle(
        IReadOnlyDictionary<string, ModelSpec> models,
        IReadOnlyDictionary<string, IReadOnlyList<string>> purposes,
        long memoryBudget,
        IModelHost host,
        IModelEventSink events,
        TimeProvider time)
    {
        _slots = models.ToDictionary(m => m.Key, m => new ModelSlot(m.Value), StringComparer.Ordinal);
        _purposes = purposes;
        MemoryBudget = memoryBudget;
        _host = host;
        _events = events;
        _time = time;
        _chat = purposes.TryGetValue(ChatPurpose, out var chat) && chat.Count > 0 ? _slots[chat[0]] : null;
    }

    /// <summary>Bytes loaded local models may take together.</summary>
    public long MemoryBudget { get; }

    /// <summary>Bytes the loaded (and loading) models take now.</summary>
    public long MemoryInUse
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    /// <summary>How many acquires are waiting for room.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="model"/> is loaded now, and how many leases hold it.</summary>
    public (bool Loaded, int References) StateOf(string model)
    {
        lock (_gate)
        {
            var slot = _slots[model];
            return (slot.State == ModelState.Loaded, slot.References);
        }
    }

    /// <summary>A lease on the preferred model for <paramref name="purpose"/>.</summary>
    /// <exception cref="ArgumentException">No model is configured for the purpose.</exception>
    public Task<ModelLease> AcquireAsync(string purpose, CancellationToken cancellationToken) =>
        _purposes.TryGetValue(purpose, out var models) && models.Count > 0
            ? AcquireAsync(models[0], purpose, cancellationToken)
            : throw new ArgumentException($"no model is configured for the purpose '{purpose}' (models.purposes in wilson.yaml)", nameof(purpose));

    /// <summary>A lease on <paramref name="model"/> for <paramref name="purpose"/>; waits while there is no room to load it.</summary>
    /// <exception cref="ModelCallException">The model is larger than the whole budget, or it failed to load.</exception>
    public async Task<ModelLease> AcquireAsync(string model, string purpose, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue(model, out var slot))
        {
            throw new ArgumentException($"no model named '{model}' is configured", nameof(model));
        }

        var forChat = purpose == ChatPurpose || slot == _chat;
        Task<ModelLease>? queued = null;
        Task? loading = null;
        lock (_gate)
        {
            ThrowIfNeverFits(slot, forChat);
            // Chat never queues behind workers; others keep their turn behind those already waiting.
            if ((forChat || _waiters.Count == 0) && TryAdmit(slot, forChat, out loading))
            {
                if (loading is null)
                {
                    return NewLease(slot, purpose);
                }
            }
            else
            {
                queued = Enqueue(slot, purpose, forChat, cancellationToken);
            }
        }

        if (queued is not null)
        {
            return await queued;
        }

        // The caller may give up waiting for the load; the load itself goes on (others may want the model).
        await AwaitLoadAsync(slot, loading!.WaitAsync(cancellationToken));
        return NewLease(slot, purpose);
    }

    /// <summary>Loads every keep_alive model now, so the first call finds it warm.</summary>
    public async Task WarmKeepAliveModelsAsync(CancellationToken cancellationToken)
    {
        var keep = _slots.Values.Where(s => s.Spec.Config.KeepAlive && !s.Spec.Cloud).Select(s => s.Spec.Name).ToList();
        foreach (var name in keep)
        {
            await using var lease = await AcquireAsync(name, _chat?.Spec.Name == name ? ChatPurpose : "warm", cancellationToken);
        }
    }

    /// <summary>Unloads <paramref name="model"/> now if nothing holds it; false if something does.</summary>
    public async Task<bool> UnloadAsync(string model, CancellationToken cancellationToken)
    {
        Task unloading;
        lock (_gate)
        {
            var slot = _slots[model];
            if (slot.References > 0)
            {
                return false;
            }

            if (slot.State != ModelState.Loaded)
            {
                return true;
            }

            unloading = StartUnload(slot, "unloaded on request");
            Pump();
        }

        await unloading.WaitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var slot in _slots.Values)
            {
                slot.IdleTimer?.Dispose();
            }

            foreach (var waiter in _waiters)
            {
                waiter.Completion.TrySetException(new ObjectDisposedException(nameof(ModelLifecycle), "the model lifecycle is shutting down"));
            }

            _waiters.Clear();
        }

        return ValueTask.CompletedTask;
    }

    // Under the lock: admits the acquire if the model is loaded, or if its memory fits (unloading idle
    // models to make room). loading is null when the model is already loaded.
    private bool TryAdmit(ModelSlot slot, bool forChat, out Task? loading)
    {
        loading = null;
        if (slot.References >= slot.Spec.Config.MaxConcurrency)
        {
            return false;
        }

        if (slot.State == ModelState.Loaded)
        {
            Hold(slot);
            return true;
        }

        if (slot.State == ModelState.Loading)
        {
            Hold(slot);
            loading = slot.Loaded;
            return true;
        }

        if (!MakeRoom(slot, forChat, out var unloads))
        {
            return false;
        }

        Hold(slot);
        slot.State = ModelState.Loading;
        _used += slot.Spec.SizeBytes;
        var previous = slot.Unloaded;
        slot.Loaded = LoadAsync(slot, [previous, .. unloads]);
        loading = slot.Loaded;
        return true;
    }

    private static void Hold(ModelSlot slot)
    {
        slot.References++;
        slot.IdleTimer?.Dispose();
        slot.IdleTimer = null;
    }

    private bool MakeRoom(ModelSlot slot, bool forChat, out List<Task> unloads)
    {
        unloads = [];
        var need = slot.Spec.SizeBytes;
        if (need <= Free(forChat))
        {
            return true;
        }

        // Idle models go first, least recently used first; the chat model stays.
        var idle = _slots.Values
            .Where(s => s != slot && s != _chat && s.State == ModelState.Loaded && s.References == 0 && s.Spec.SizeBytes > 0)
            .OrderBy(s => s.LastReleased)
            .ToList();
        var freeable = idle.Sum(s => s.Spec.SizeBytes);
        if (need > Free(forChat) + freeable)
        {
            return false;
        }

        foreach (var victim in idle)
        {
            if (need <= Free(forChat))
            {
                break;
            }

            unloads.Add(StartUnload(victim, $"unloaded to make room for {slot.Spec.Name}"));
        }

        return true;
    }

    private long Free(bool forChat) => MemoryBudget - _used - (forChat ? 0 : ChatReserve());

    private long ChatReserve() => _chat is { HoldsMemory: false } chat ? chat.Spec.SizeBytes : 0;

    private void ThrowIfNeverFits(ModelSlot slot, bool forChat)
    {
        var room = MemoryBudget - (forChat ? 0 : _chat is { } chat && chat != slot ? chat.Spec.SizeBytes : 0);
        if (slot.Spec.SizeBytes > room)
        {
            throw new ModelCallException(ModelErrorKind.OutOfMemory, slot.Spec.Endpoint.Name, slot.Spec.Name,
                $"{slot.Spec.Name} needs {Describe(slot.Spec.SizeBytes)} but the memory budget leaves {Describe(room)} for it" +
                " (models.memory_budget, less the chat model's share): choose a smaller model or raise the budget");
        }
    }

    private Task<ModelLease> Enqueue(ModelSlot slot, string purpose, bool forChat, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(slot, purpose, forChat);
        var node = _waiters.AddLast(waiter);
        _events.Publish(new ModelEvent(ModelEvent.Queued,
            $"queued: at capacity ({slot.Spec.Name} for {purpose} waits for {Describe(slot.Spec.SizeBytes)}; {Describe(_used)} of {Describe(MemoryBudget)} in use, {_waiters.Count} waiting)",
            slot.Spec.Endpoint.Name, slot.Spec.Name));
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Cancellation = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is not null)
                    {
                        _waiters.Remove(node);
                        waiter.Completion.TrySetCanceled(cancellationToken);
                        Pump();
                    }
                }
            });
        }

        return waiter.Completion.Task;
    }

    // Under the lock: lets waiters in, in order, while the first of them can be admitted.
    private void Pump()
    {
        // Chat first, wherever it waits (only its model's concurrency can hold it up); then the others in order.
        for (var node = _waiters.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.ForChat)
            {
                TryLetIn(node);
            }

            node = next;
        }

        while (_waiters.First is { } first && TryLetIn(first))
        {
        }
    }

    private bool TryLetIn(LinkedListNode<Waiter> node)
    {
        var waiter = node.Value;
        if (!TryAdmit(waiter.Slot, waiter.ForChat, out var loading))
        {
            return false;
        }

        _waiters.Remove(node);
        waiter.Cancellation.Dispose();
        _ = CompleteWaiterAsync(waiter, loading);
        return true;
    }

    private async Task CompleteWaiterAsync(Waiter waiter, Task? loading)
    {
        try
        {
            if (loading is not null)
            {
                await AwaitLoadAsync(waiter.Slot, loading);
            }

            waiter.Completion.TrySetResult(NewLease(waiter.Slot, waiter.Purpose));
        }
        catch (Exception ex)
        {
            waiter.Completion.TrySetException(ex);
        }
    }

    private async Task AwaitLoadAsync(ModelSlot slot, Task loading)
    {
        try
        {
            await loading;
        }
        catch
        {
            lock (_gate)
            {
                slot.References--;
            }

            throw;
        }
    }

    private async Task LoadAsync(ModelSlot slot, IReadOnlyList<Task> unloadsFirst)
    {
        await Task.WhenAll(unloadsFirst);
        var spec = slot.Spec;
        // A host that never answers must not hold the model's memory (and everyone queued behind it) for ever.
        using var timeout = new CancellationTokenSource(spec.Endpoint.RequestTimeout, _time);
        try
        {
            try
            {
                await _host.LoadAsync(spec, spec.HostKeepAlive, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new ModelCallException(ModelErrorKind.Timeout, spec.Endpoint.Name, spec.Name,
                    $"{spec} did not load within {spec.Endpoint.RequestTimeout.TotalSeconds:0} s (request_timeout of {spec.Endpoint.Name})");
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                slot.State = ModelState.Unloaded;
                _used -= spec.SizeBytes;
                _events.Publish(new ModelEvent(ModelEvent.LoadFailed, $"{spec} failed to load: {ex.Message}", spec.Endpoint.Name, spec.Name));
                Pump();
            }

            throw;
        }

        lock (_gate)
        {
            slot.State = ModelState.Loaded;
            _events.Publish(new ModelEvent(ModelEvent.Loaded, $"{spec} loaded ({Describe(spec.SizeBytes)}; {Describe(_used)} of {Describe(MemoryBudget)} in use)",
                spec.Endpoint.Name, spec.Name));
            if (slot.References == 0)
            {
                // Everyone who wanted it gave up while it loaded: it is idle from now on.
                BecameIdle(slot);
                Pump();
            }
        }
    }

    private ModelLease NewLease(ModelSlot slot, string purpose) => new(slot.Spec, purpose, () => Release(slot));

    private void Release(ModelSlot slot)
    {
        lock (_gate)
        {
            slot.References--;
            if (slot.References == 0)
            {
                BecameIdle(slot);
            }

            Pump();
        }
    }

    // Under the lock: nothing holds the model any more.
    private void BecameIdle(ModelSlot slot)
    {
        slot.LastReleased = _time.GetUtcNow();
        if (slot.Spec.Config.KeepAlive || slot.State != ModelState.Loaded || slot.Spec.Cloud)
        {
            return;
        }

        if (slot.Spec.Config.IdleTimeout <= TimeSpan.Zero)
        {
            _ = StartUnload(slot, "unloaded at once (idle_timeout 0)");
        }
        else
        {
            slot.IdleTimer = _time.CreateTimer(_ => UnloadIdle(slot), null, slot.Spec.Config.IdleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void UnloadIdle(ModelSlot slot)
    {
        lock (_gate)
        {
            if (slot.References == 0 && slot.State == ModelState.Loaded && slot.IdleTimer is not null)
            {
                slot.IdleTimer.Dispose();
                slot.IdleTimer = null;
                _ = StartUnload(slot, $"unloaded after {slot.Spec.Config.IdleTimeout} idle");
                Pump();
            }
        }
    }

    // Under the lock: the memory is free for others at once; the host's unload runs behind it.
    private Task StartUnload(ModelSlot slot, string reason)
    {
        slot.IdleTimer?.Dispose();
        slot.IdleTimer = null;
        slot.State = ModelState.Unloading;
        _used -= slot.Spec.SizeBytes;
        slot.Unloaded = UnloadAsync(slot, reason);
        return slot.Unloaded;
    }

    private async Task UnloadAsync(ModelSlot slot, string reason)
    {
        var spec = slot.Spec;
        string? failure = null;
        try
        {
            await _host.UnloadAsync(spec, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The host unloads it after its keep_alive anyway; memory accounting moves on.
            failure = ex.Message;
        }

        lock (_gate)
        {
            if (slot.State == ModelState.Unloading)
            {
                slot.State = ModelState.Unloaded;
            }

            _events.Publish(new ModelEvent(ModelEvent.Unloaded, failure is null ? $"{spec} {reason}" : $"{spec} {reason}; the host said: {failure}",
                spec.Endpoint.Name, spec.Name));
        }
    }

    private static string Describe(long bytes) => Wilson.Core.Configuration.ByteSize.Format(bytes);

    private sealed class Waiter(ModelSlot slot, string purpose, bool forChat)
    {
        public ModelSlot Slot { get; } = slot;

        public string Purpose { get; } = purpose;

        public bool ForChat { get; } = forChat;

        public TaskCompletionSource<ModelLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
