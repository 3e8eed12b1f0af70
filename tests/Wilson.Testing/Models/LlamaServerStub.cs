using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Wilson.Testing.Models;

/// <summary>
/// What Wilson reads of llama.cpp's llama-server, on a loopback port: <c>/v1/models</c> lists the alias,
/// <c>/props</c> gives the context per slot and the slots (404 when <see cref="ContextLength"/> is null, as on
/// a server that is not llama.cpp). The fake model server has no <c>/props</c>; this stands beside it.
/// </summary>
public sealed class LlamaServerStub : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _requests = new();
    private int _stopped;

    private LlamaServerStub(HttpListener listener, Uri baseUri)
    {
        _listener = listener;
        BaseUri = baseUri;
        _serving = ServeAsync();
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:43123/</c>; the OpenAI base is <c>BaseUri + "v1/"</c>.</summary>
    public Uri BaseUri { get; }

    public string Alias { get; set; } = "local-model";

    /// <summary><c>default_generation_settings.n_ctx</c>; null answers <c>/props</c> with 404.</summary>
    public int? ContextLength { get; set; } = 8192;

    public int Slots { get; set; } = 1;

    /// <summary>Each request's path and Authorization header, in arrival order.</summary>
    public IReadOnlyList<(string Path, string? Authorization)> Requests => [.. _requests];

    /// <summary>Starts a stub on a free loopback port.</summary>
    public static LlamaServerStub Start()
    {
        // HttpListener takes no port 0: take a free one, and another if something took it in between.
        for (var attempt = 0; ; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new LlamaServerStub(listener, new Uri($"http://127.0.0.1:{port}/"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Stops the server (again: a no-op); a test may stop it early to see Wilson find it down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _listener.Close();
            await _serving;
        }
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            _requests.Enqueue((path, context.Request.Headers["Authorization"]));
            var (status, body) = Answer(path);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = status == 200 ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int Status, string Body) Answer(string path) => path switch
    {
        "/v1/models" or "/models" => (200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["id"] = Alias, ["object"] = "model", ["owned_by"] = "llamacpp" }),
        }.ToJsonString()),
        "/props" when ContextLength is { } context => (200, new JsonObject
        {
            ["default_generation_settings"] = new JsonObject { ["n_ctx"] = context, ["params"] = new JsonObject() },
            ["total_slots"] = Slots,
            ["model_alias"] = Alias,
        }.ToJsonString()),
        "/health" => (200, """{"status":"ok"}"""),
        _ => (404, "File Not Found"),
    };
}
