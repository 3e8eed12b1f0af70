using Microsoft.Extensions.Time.Testing;
using Wilson.Core.Configuration;
using Wilson.Llm.Lifecycle;
using Wilson.Testing;
using Wilson.Testing.Models;

namespace Wilson.Llm.Tests.Lifecycle;

/// <summary>The lifecycle against a real (fake) Ollama server, on a clock the tests move.</summary>
public sealed class ModelLifecycleTests : IAsyncLifetime
{
    private const long GB = 1L << 30;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingEventSink _events = new();
    private readonly HttpClient _http = new();
    private FakeModelServer _server = null!;
    private ModelEndpoint _endpoint = null!;

    public async Task InitializeAsync()
    {
        var script = new FakeModelScript();
        script.Models.Clear();
        script.Models.AddRange(
        [
            new FakeModel("chat:3b", 3 * GB), new FakeModel("coder:7b", 6 * GB), new FakeModel("general:7b", 6 * GB), new FakeModel("small:1b", 1 * GB),
        ]);
        _server = await FakeModelServer.StartAsync(script, _time);
        _endpoint = new ModelEndpoint { Name = "local", Protocol = ModelProtocol.Ollama, BaseUrl = _server.BaseUri };
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private ModelLifecycle Lifecycle(long budget, params (string Name, long Size, ModelConfig Config)[] models)
    {
        var specs = models.ToDictionary(
            m => m.Name,
            m => new ModelSpec { Name = m.Name, Endpoint = _endpoint, Cloud = false, Config = m.Config with { SizeBytes = m.Size } });
        var purposes = new Dictionary<string, IReadOnlyList<string>> { ["chat"] = [models[0].Name], ["code"] = [models[1].Name] };
        return new ModelLifecycle(specs, purposes, budget, new EndpointModelHost(_http), _events, _time);
    }

    private static ModelConfig Config(bool keepAlive = false, TimeSpan? idle = null, int concurrency = 1) =>
        new() { Endpoint = "local", KeepAlive = keepAlive, IdleTimeout = idle ?? TimeSpan.FromMinutes(5), MaxConcurrency = concurrency };

    [Fact]
    public async Task A_released_model_unloads_after_its_idle_timeout_and_not_before()
    {
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config(idle: TimeSpan.FromMinutes(5))));

        var lease = await lifecycle.AcquireAsync("code", CancellationToken.None);
        Assert.Contains("coder:7b", _server.LoadedModels);
        await lease.DisposeAsync();

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal((true, 0), lifecycle.StateOf("coder:7b"));

        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.True(() => _events.OfType(ModelEvent.Unloaded).Count > 0, "the unload was reported");
        Assert.DoesNotContain("coder:7b", _server.LoadedModels);
        Assert.False(lifecycle.StateOf("coder:7b").Loaded);
        Assert.Equal(0, lifecycle.MemoryInUse);
        Assert.Contains(_events.OfType(ModelEvent.Unloaded), e => e.Model == "coder:7b" && e.Message.Contains("idle", StringComparison.Ordinal));
        Assert.Contains(_server.Requests, r => r.Path == "/api/generate" && r.Body.Contains("\"keep_alive\":0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Idle_timeout_zero_unloads_at_once_on_release()
    {
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config(idle: TimeSpan.Zero)));

        await (await lifecycle.AcquireAsync("code", CancellationToken.None)).DisposeAsync();

        await Eventually.True(() => !_server.LoadedModels.Contains("coder:7b"), "coder:7b was unloaded");
        Assert.Equal(0, lifecycle.MemoryInUse);
    }

    [Fact]
    public async Task A_keep_alive_model_is_warmed_at_start_and_stays_loaded()
    {
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config()));

        await lifecycle.WarmKeepAliveModelsAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(3));

        Assert.Equal((true, 0), lifecycle.StateOf("chat:3b"));
        Assert.Contains("chat:3b", _server.LoadedModels);
        Assert.DoesNotContain("coder:7b", _server.LoadedModels);
        Assert.Equal(3 * GB, lifecycle.MemoryInUse);
    }

    [Fact]
    public async Task A_warm_model_is_shared_by_reference_count()
    {
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config(concurrency: 2)));

        var first = await lifecycle.AcquireAsync("code", CancellationToken.None);
        var second = await lifecycle.AcquireAsync("code", CancellationToken.None);
        Assert.Equal((true, 2), lifecycle.StateOf("coder:7b"));
        Assert.Single(_server.Requests, r => r.Path == "/api/generate");

        await first.DisposeAsync();
        await first.DisposeAsync();
        Assert.Equal((true, 1), lifecycle.StateOf("coder:7b"));
        await second.DisposeAsync();
        Assert.Equal((true, 0), lifecycle.StateOf("coder:7b"));
    }

    [Fact]
    public async Task At_capacity_an_acquire_waits_says_so_and_gets_in_when_room_is_made()
    {
        await using var lifecycle = Lifecycle(10 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config()), ("general:7b", 6 * GB, Config()));
        var coder = await lifecycle.AcquireAsync("coder:7b", "code", CancellationToken.None);

        var general = lifecycle.AcquireAsync("general:7b", "review", CancellationToken.None);

        Assert.False(general.IsCompleted);
        Assert.Equal(1, lifecycle.Waiting);
        var queued = Assert.Single(_events.OfType(ModelEvent.Queued));
        Assert.StartsWith("queued: at capacity", queued.Message, StringComparison.Ordinal);

        await coder.DisposeAsync();
        await using var lease = await general.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("general:7b", lease.Model.Name);
        Assert.False(lifecycle.StateOf("coder:7b").Loaded);
        Assert.Contains(_events.OfType(ModelEvent.Unloaded), e => e.Model == "coder:7b" && e.Message.Contains("make room", StringComparison.Ordinal));
        Assert.Equal(6 * GB, lifecycle.MemoryInUse);
    }

    [Fact]
    public async Task Waiters_get_in_first_come_first_served()
    {
        await using var lifecycle = Lifecycle(10 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config(idle: TimeSpan.Zero)), ("general:7b", 6 * GB, Config(idle: TimeSpan.Zero)));
        var holder = await lifecycle.AcquireAsync("coder:7b", "code", CancellationToken.None);
        var order = new List<string>();

        var general = Track(lifecycle.AcquireAsync("general:7b", "review", CancellationToken.None), "general", order);
        var coderAgain = Track(lifecycle.AcquireAsync("coder:7b", "code", CancellationToken.None), "coder", order);
        Assert.Equal(2, lifecycle.Waiting);

        await holder.DisposeAsync();
        await (await general).DisposeAsync();
        await (await coderAgain).DisposeAsync();

        Assert.Equal(["general", "coder"], order);
    }

    [Fact]
    public async Task The_chat_model_never_waits_behind_workers()
    {
        // 10 GB: the workers' 6 GB model fits beside the chat model's 3 GB reserve; a second worker model does not.
        await using var lifecycle = Lifecycle(10 * GB, ("chat:3b", 3 * GB, Config()), ("coder:7b", 6 * GB, Config()), ("small:1b", 1 * GB, Config()), ("general:7b", 6 * GB, Config()));
        var coder = await lifecycle.AcquireAsync("coder:7b", "code", CancellationToken.None);
        var small = await lifecycle.AcquireAsync("small:1b", "docs", CancellationToken.None);
        var general = lifecycle.AcquireAsync("general:7b", "review", CancellationToken.None);
        Assert.False(general.IsCompleted);

        var chat = lifecycle.AcquireAsync("chat", CancellationToken.None);

        await using var chatLease = await chat.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("chat:3b", chatLease.Model.Name);
        Assert.Equal(1, lifecycle.Waiting);
        await coder.DisposeAsync();
        await small.DisposeAsync();
        await (await general.WaitAsync(TimeSpan.FromSeconds(5))).DisposeAsync();
    }

    [Fact]
    public async Task Workers_cannot_take_the_memory_kept_for_chat()
    {
        // 9 GB: 6 GB held by a worker leaves 3 GB, which is the chat model's; a 1 GB worker model must wait.
        await using var lifecycle = Lifecycle(9 * GB, ("chat:3b", 3 * GB, Config()), ("coder:7b", 6 * GB, Config()), ("small:1b", 1 * GB, Config()));
        var coder = await lifecycle.AcquireAsync("coder:7b", "code", CancellationToken.None);

        var small = lifecycle.AcquireAsync("small:1b", "docs", CancellationToken.None);
        await using (var chat = await lifecycle.AcquireAsync("chat", CancellationToken.None))
        {
            Assert.False(small.IsCompleted);
            Assert.Equal(9 * GB, lifecycle.MemoryInUse);
        }

        await coder.DisposeAsync();
        await using var lease = await small.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("small:1b", lease.Model.Name);
    }

    [Fact]
    public async Task A_model_larger_than_the_budget_fails_at_once_with_the_figures()
    {
        await using var lifecycle = Lifecycle(8 * GB, ("chat:3b", 3 * GB, Config()), ("coder:7b", 6 * GB, Config()));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => lifecycle.AcquireAsync("code", CancellationToken.None));

        Assert.Equal(ModelErrorKind.OutOfMemory, error.Kind);
        Assert.Contains("coder:7b needs 6 GB but the memory budget leaves 5 GB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_queued_acquire_can_be_cancelled_and_leaves_the_queue()
    {
        await using var lifecycle = Lifecycle(10 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config()), ("general:7b", 6 * GB, Config()));
        await using var coder = await lifecycle.AcquireAsync("coder:7b", "code", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var general = lifecycle.AcquireAsync("general:7b", "review", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => general);
        Assert.Equal(0, lifecycle.Waiting);
    }

    [Fact]
    public async Task Max_concurrency_holds_the_next_call_until_one_is_released()
    {
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config(concurrency: 1)));
        var first = await lifecycle.AcquireAsync("code", CancellationToken.None);

        var second = lifecycle.AcquireAsync("code", CancellationToken.None);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await using var lease = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal((true, 1), lifecycle.StateOf("coder:7b"));
    }

    [Fact]
    public async Task A_model_that_fails_to_load_is_reported_and_frees_its_memory()
    {
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("missing:7b", 6 * GB, Config()));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => lifecycle.AcquireAsync("code", CancellationToken.None));

        Assert.Equal(ModelErrorKind.ModelNotFound, error.Kind);
        Assert.Contains("ollama pull missing:7b", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, lifecycle.MemoryInUse);
        Assert.Equal((false, 0), lifecycle.StateOf("missing:7b"));
        Assert.Single(_events.OfType(ModelEvent.LoadFailed));
    }

    [Fact]
    public async Task A_load_that_never_answers_times_out_and_frees_its_memory()
    {
        _endpoint = _endpoint with { RequestTimeout = TimeSpan.FromSeconds(30) };
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config()));
        _server.InjectFault(new FakeFault(FakeFaultKind.Hang) { Path = "/api/generate" });

        var acquire = lifecycle.AcquireAsync("code", CancellationToken.None);
        await Eventually.True(() => _server.Requests.Any(r => r.Path == "/api/generate"), "the load was sent");
        Assert.False(acquire.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => acquire);
        Assert.Equal(ModelErrorKind.Timeout, error.Kind);
        Assert.Contains("did not load within 30 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, lifecycle.MemoryInUse);
    }

    [Fact]
    public async Task A_caller_that_gives_up_during_a_load_gets_out_at_once_and_holds_nothing()
    {
        _endpoint = _endpoint with { RequestTimeout = TimeSpan.FromSeconds(30) };
        await using var lifecycle = Lifecycle(16 * GB, ("chat:3b", 3 * GB, Config(keepAlive: true)), ("coder:7b", 6 * GB, Config()));
        _server.InjectFault(new FakeFault(FakeFaultKind.Hang) { Path = "/api/generate" });
        using var cancel = new CancellationTokenSource();

        var acquire = lifecycle.AcquireAsync("code", cancel.Token);
        await Eventually.True(() => _server.Requests.Any(r => r.Path == "/api/generate"), "the load was sent");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquire);
        Assert.Equal(0, lifecycle.StateOf("coder:7b").References);
        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.True(() => lifecycle.MemoryInUse == 0, "the abandoned load timed out and gave its memory back");
    }

    private static async Task<ModelLease> Track(Task<ModelLease> acquire, string name, List<string> order)
    {
        var lease = await acquire;
        lock (order)
        {
            order.Add(name);
        }

        return lease;
    }
}
