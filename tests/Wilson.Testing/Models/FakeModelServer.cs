using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Wilson.Testing.Models;

/// <summary>
/// A real HTTP server on 127.0.0.1 that stands in for a model: it speaks Ollama's native API,
/// OpenAI's chat completions and Anthropic's messages API well enough for their official clients,
/// answering from a <see cref="FakeModelScript"/> (and its <see cref="FakeModelScript.WeakModel"/>, if any), recording every request, and failing on demand
/// (<see cref="InjectFault"/>). Dispose it to stop it; requests still waiting are cancelled.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<WeakModelPlay> _weakModelLog = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    private FakeModelServer(FakeModelScript script, TimeProvider time)
    {
        Script = script;
        Time = time;
        LoadState = new ModelLoadState(time);
        Turns = new TurnSelector(script);
        BaseUri = new Uri("http://127.0.0.1/");
        StartedAt = time.GetUtcNow();
    }

    /// <summary>The server's address with a trailing slash, e.g. <c>http://127.0.0.1:43123/</c>; OpenAI clients want <c>BaseUri + "v1/"</c>.</summary>
    public Uri BaseUri { get; private set; }

    /// <summary>The models and answers; add to it while the server runs with <see cref="FakeModelScript.AddTurn"/>.</summary>
    public FakeModelScript Script { get; }

    /// <summary>Every request received so far, failed ones included, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// What the <see cref="FakeModelScript.WeakModel"/> played, one entry per request it answered, in the order the
    /// answers were made (a snapshot); print it when a test fails.
    /// </summary>
    public IReadOnlyList<WeakModelPlay> WeakModelLog
    {
        get
        {
            lock (_weakModelLog)
            {
                return [.. _weakModelLog];
            }
        }
    }

    /// <summary>The names (as in <see cref="FakeModelScript.Models"/>) of the models loaded now; expiry is read on the server's <see cref="TimeProvider"/>.</summary>
    public IReadOnlyList<string> LoadedModels => [.. LoadState.Loaded().Select(l => l.Model.Name)];

    /// <summary>
    /// When set, OpenAI requests need <c>Authorization: Bearer &lt;key&gt;</c> and Anthropic requests
    /// <c>x-api-key: &lt;key&gt;</c>, or get 401 in that protocol's format. Ollama takes no key.
    /// </summary>
    public string? RequiredApiKey { get; set; }

    internal TimeProvider Time { get; }

    /// <summary>When the server started: the models' <c>modified_at</c>.</summary>
    internal DateTimeOffset StartedAt { get; }

    internal ModelLoadState LoadState { get; }

    internal TurnSelector Turns { get; }

    internal FaultQueue Faults { get; } = new();

    internal IdSource Ids { get; } = new();

    /// <summary>Cancelled when the server stops, so that hung and slow requests end.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts a server; <paramref name="port"/> 0 takes a free one (see <see cref="BaseUri"/>).</summary>
    /// <param name="script">The models and answers; null gives one model, <c>fake-model</c>, and no turns.</param>
    /// <param name="time">The clock for timestamps, keep-alive expiry and stream delays; null is the system clock.</param>
    /// <param name="port">The port on 127.0.0.1.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeModelServer> StartAsync(
        FakeModelScript? script = null,
        TimeProvider? time = null,
        int port = 0,
        CancellationToken cancellationToken = default)
    {
        var server = new FakeModelServer(script ?? new FakeModelScript(), time ?? TimeProvider.System);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeModelServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, QuietHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        app.Use(new RequestRecorder(server).InvokeAsync);
        app.MapOllamaEndpoints(server);
        app.MapOpenAiEndpoints(server);
        app.MapAnthropicEndpoints(server);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        server._app = app;
        return server;
    }

    /// <summary>Queues a fault for the next matching request(s); see <see cref="FakeFault"/>.</summary>
    public void InjectFault(FakeFault fault) => Faults.Add(fault);

    /// <summary>Stops the server: waiting requests are cancelled, then connections close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;
        await _stopping.CancelAsync();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>
    /// The scripted answer to <paramref name="conversation"/>, or the weak model's when no turn matches and there is
    /// one; tool calls get ids with <paramref name="idPrefix"/> (none when null).
    /// </summary>
    internal ScriptedAnswer Answer(Conversation conversation, string? idPrefix)
    {
        var turn = Turns.Select(conversation);
        if (turn is not null || Script.WeakModel is not { } weak)
        {
            return ScriptedAnswer.For(turn, conversation, idPrefix, Ids);
        }

        var reply = WeakModelPlayer.Play(weak, conversation);
        lock (_weakModelLog)
        {
            _weakModelLog.Add(reply.Play);
        }

        var calls = reply.Calls.Select(c => c with { Id = idPrefix is null ? null : Ids.Next(idPrefix) }).ToList();
        return ScriptedAnswer.Unscripted(reply.Text, calls, conversation, reply.HitLimit);
    }

    internal void Record(RecordedRequest request)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }
    }
}
