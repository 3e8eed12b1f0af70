using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Wilson.Core.Configuration;
using Wilson.Llm;
using Wilson.Llm.Lifecycle;
using Wilson.Llm.Providers;
using Wilson.Testing;

namespace Wilson.Bench;

/// <summary>
/// What the providers add per streamed token over a bare HttpClient reading (and parsing) the same stream
/// from the same fake server, and how long a warm acquire → release takes in the lifecycle.
/// </summary>
internal static class ModelsBench
{
    private const string Model = "bench-model";
    private const string Key = "sk-bench";
    private const int Rounds = 61;
    private const int WarmupRounds = 15;
    private const int AcquireReleases = 50_000;
    private const double OverheadTarget = 1.05;
    private const double AcquireTargetMs = 1.0;

    public static async Task RunAsync(BenchOptions options, BenchReport report, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"== Models: one answer of {options.Tokens:N0} tokens, streamed from the fake model server on 127.0.0.1");
        // The server runs in its own process, as a model server does: its work and its garbage collections
        // are not counted against the client.
        await using var server = await StartServerAsync(options.Tokens);
        using var factory = new ChatClientFactory(_ => Key, TimeProvider.System);
        using var raw = new HttpClient(new SocketsHttpHandler());

        foreach (var protocol in new[] { ModelProtocol.Ollama, ModelProtocol.OpenAi, ModelProtocol.Anthropic })
        {
            var endpoint = new ModelEndpoint
            {
                Name = "fake", Protocol = protocol, ApiKeyEnv = protocol == ModelProtocol.Ollama ? null : "KEY",
                BaseUrl = protocol == ModelProtocol.OpenAi ? new Uri(server.BaseUri, "v1/") : server.BaseUri,
            };
            using var client = factory.Create(endpoint, Model);
            var library = ((ErrorMappingChatClient)client).Unwrapped;
            Func<Task<int>> provider = () => ProviderAsync(client, cancellationToken);
            Func<Task<int>> bare = () => RawAsync(raw, protocol, server.BaseUri, cancellationToken);
            Func<Task<int>> alone = () => ProviderAsync(library, cancellationToken);
            // Until the JIT has optimised the per-chunk code of all three (and the server's), times fall run by run.
            for (var i = 0; i < WarmupRounds; i++)
            {
                await bare();
                await provider();
                await alone();
            }

            var (providerTime, rawTime, ratio) = await CompareAsync(provider, bare);
            var (_, libraryTime, layer) = await CompareAsync(provider, alone);
            var name = protocol.ToString();
            Console.WriteLine($"{name}: provider {PerToken(providerTime, options.Tokens):0.00} µs/token, raw HttpClient {PerToken(rawTime, options.Tokens):0.00} µs/token, ratio {ratio:0.000}; " +
                $"the client alone {PerToken(libraryTime, options.Tokens):0.00} µs/token, Wilson's layer over it {layer:0.000}");

            report.Add(new ReportRow($"Models {name}", $"provider µs/token (median of {Rounds})", $"{PerToken(providerTime, options.Tokens):0.00}"));
            report.Add(new ReportRow($"Models {name}", "raw HttpClient µs/token", $"{PerToken(rawTime, options.Tokens):0.00}"));
            report.Add(new ReportRow($"Models {name}", "provider / raw per token", $"{ratio:0.000}", $"<= {OverheadTarget:0.00}", ratio <= OverheadTarget));
            report.Add(new ReportRow($"Models {name}", "Wilson's error/timeout layer over the client alone", $"{layer:0.000}"));

            // The same answer replayed from memory: what the client itself costs per token, no server sharing the cores.
            var (recorded, mediaType) = await RecordAsync(raw, protocol, server.BaseUri, cancellationToken);
            using var replayFactory = new ChatClientFactory(_ => Key, TimeProvider.System, new ReplayHandler(recorded, mediaType));
            using var replayed = replayFactory.Create(endpoint, Model);
            using var replayHttp = new HttpClient(new ReplayHandler(recorded, mediaType));
            Func<Task<int>> replayProvider = () => ProviderAsync(replayed, cancellationToken);
            Func<Task<int>> replayRaw = () => RawAsync(replayHttp, protocol, server.BaseUri, cancellationToken);
            for (var i = 0; i < WarmupRounds; i++)
            {
                await replayRaw();
                await replayProvider();
            }

            var (replayProviderTime, replayRawTime, replayRatio) = await CompareAsync(replayProvider, replayRaw);
            Console.WriteLine($"{name}, replayed from memory: provider {PerToken(replayProviderTime, options.Tokens):0.00} µs/token, raw {PerToken(replayRawTime, options.Tokens):0.00} µs/token, ratio {replayRatio:0.000}");
            report.Add(new ReportRow($"Models {name}", "replayed from memory: provider / raw per token", $"{replayRatio:0.000}"));
        }

        var acquire = await WarmAcquireReleaseAsync(server, cancellationToken);
        Console.WriteLine($"warm acquire -> release, {AcquireReleases:N0} times: {acquire}");
        report.Add(new ReportRow("Models lifecycle", "warm acquire->release p50 / p99 ms", $"{acquire.P50:0.0000} / {acquire.P99:0.0000}",
            $"p99 <= {AcquireTargetMs:0} ms", acquire.P99 <= AcquireTargetMs));
    }

    // Alternating runs, so drift on a noisy machine hits both sides alike: the medians of each side's times,
    // and the median of the ratios of the runs side by side (the ratio reported, steadier than a ratio of medians).
    private static async Task<(TimeSpan Provider, TimeSpan Raw, double Ratio)> CompareAsync(Func<Task<int>> provider, Func<Task<int>> raw)
    {
        var expected = await raw();
        if (await provider() != expected)
        {
            throw new InvalidOperationException("the provider and the raw reader read different answers");
        }

        var providerTimes = new List<TimeSpan>();
        var rawTimes = new List<TimeSpan>();
        for (var round = 0; round < Rounds; round++)
        {
            rawTimes.Add(await TimeAsync(raw));
            providerTimes.Add(await TimeAsync(provider));
        }

        var ratios = providerTimes.Zip(rawTimes, (p, r) => p / r).Order().ToList();
        return (Median(providerTimes), Median(rawTimes), ratios[ratios.Count / 2]);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task<int>> run)
    {
        // Each run starts clean: no run pays for collecting the garbage of the one before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var started = Stopwatch.GetTimestamp();
        await run();
        return Stopwatch.GetElapsedTime(started);
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static double PerToken(TimeSpan time, int tokens) => time.TotalMicroseconds / tokens;

    private static async Task<int> ProviderAsync(IChatClient client, CancellationToken cancellationToken)
    {
        var length = 0;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], null, cancellationToken))
        {
            length += update.Text.Length;
        }

        return length;
    }

    // What any client must do at least: send the request, read each line, parse its JSON, take the text.
    private static async Task<int> RawAsync(HttpClient http, ModelProtocol protocol, Uri root, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(root, protocol switch
        {
            ModelProtocol.Ollama => "api/chat",
            ModelProtocol.OpenAi => "v1/chat/completions",
            _ => "v1/messages",
        }));
        var body = new JsonObject { ["model"] = Model, ["stream"] = true, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "go" }) };
        if (protocol == ModelProtocol.Anthropic)
        {
            body["max_tokens"] = 8192;
            request.Headers.Add("x-api-key", Key);
            request.Headers.Add("anthropic-version", "2023-06-01");
        }
        else if (protocol == ModelProtocol.OpenAi)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        }

        request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var length = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (protocol == ModelProtocol.Ollama)
            {
                using var chunk = JsonDocument.Parse(line);
                length += chunk.RootElement.GetProperty("message").GetProperty("content").GetString()!.Length;
                continue;
            }

            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
            {
                continue;
            }

            using var data = JsonDocument.Parse(line.AsMemory(6));
            length += protocol == ModelProtocol.OpenAi ? OpenAiText(data.RootElement) : AnthropicText(data.RootElement);
        }

        return length;
    }

    private static async Task<(byte[] Body, string MediaType)> RecordAsync(HttpClient http, ModelProtocol protocol, Uri root, CancellationToken cancellationToken)
    {
        using var recorder = new HttpClient(new RecordingHandler());
        await RawAsync(recorder, protocol, root, cancellationToken);
        return (RecordingHandler.Last!, RecordingHandler.LastMediaType!);
    }

    private static int OpenAiText(JsonElement chunk) =>
        chunk.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
            && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()!.Length
            : 0;

    private static int AnthropicText(JsonElement chunk) =>
        chunk.GetProperty("type").GetString() == "content_block_delta" && chunk.GetProperty("delta").TryGetProperty("text", out var text)
            ? text.GetString()!.Length
            : 0;

    private static async Task<ServerProcess> StartServerAsync(int tokens)
    {
        var script = Path.Combine(Path.GetTempPath(), $"wilson-bench-script-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(script, $"""
            models:
              - name: {Model}
                size_bytes: {1L << 30}
            turns:
              - text: "{string.Concat(Enumerable.Repeat("tok ", tokens))}"
            """);
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var child = ChildProcess.StartMode("serve-models", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--script", script, "--api-key", Key);
        await child.WaitForLineAsync(line => line.Contains("listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return new ServerProcess(child, new Uri($"http://127.0.0.1:{port}/"), script);
    }

    private sealed class ServerProcess(ChildProcess process, Uri baseUri, string script) : IAsyncDisposable
    {
        public Uri BaseUri { get; } = baseUri;

        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            File.Delete(script);
        }
    }

    private static async Task<LatencySummary> WarmAcquireReleaseAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var endpoint = new ModelEndpoint { Name = "local", Protocol = ModelProtocol.Ollama, BaseUrl = server.BaseUri };
        var spec = new ModelSpec { Name = Model, Endpoint = endpoint, Cloud = false, Config = new ModelConfig { Endpoint = "local", KeepAlive = true, SizeBytes = 1L << 30 } };
        using var http = new HttpClient();
        await using var lifecycle = new ModelLifecycle(
            new Dictionary<string, ModelSpec> { [Model] = spec },
            new Dictionary<string, IReadOnlyList<string>> { ["code"] = [Model] },
            8L << 30, new EndpointModelHost(http), NoModelEvents.Instance, TimeProvider.System);
        await (await lifecycle.AcquireAsync("code", cancellationToken)).DisposeAsync();

        var ticks = new long[AcquireReleases];
        for (var i = 0; i < AcquireReleases; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var lease = await lifecycle.AcquireAsync("code", cancellationToken);
            await lease.DisposeAsync();
            ticks[i] = Stopwatch.GetTimestamp() - started;
        }

        return LatencySummary.From(ticks);
    }
}
