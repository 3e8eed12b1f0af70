using System.Runtime.InteropServices;
using Wilson.Testing.Models;

namespace Wilson.Testing.Modes;

/// <summary>
/// The fake model server on its own, for trying Wilson by hand or from another process:
/// <c>serve-models --port 11434 --script s.yaml [--api-key KEY] [--weak-seed N]</c>; runs until Ctrl+C or SIGTERM.
/// <c>--weak-seed</c> answers what the script does not with a <see cref="WeakModel"/> played from that seed.
/// </summary>
internal static class ServeModels
{
    public static async Task<int> RunAsync(ModeArguments args)
    {
        FakeModelScript script;
        try
        {
            script = args.Get("script", "") is { Length: > 0 } path ? FakeModelScript.Load(path) : new FakeModelScript();
            if (args.Get("weak-seed", "") is { Length: > 0 })
            {
                script.WeakModel = new WeakModel(args.GetInt("weak-seed", 0));
            }
        }
        catch (Exception e) when (e is FormatException or IOException or OverflowException)
        {
            Console.Error.WriteLine($"fake model server: {e.Message}");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await using var server = await FakeModelServer.StartAsync(script, port: args.GetInt("port", 11434));
        server.RequiredApiKey = args.Get("api-key", "") is { Length: > 0 } key ? key : null;
        Console.WriteLine($"fake model server listening on {server.BaseUri}");
        if (script.WeakModel is { } weak)
        {
            Console.WriteLine($"weak model: seed {weak.Seed}");
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: stop the server and exit normally.
        }

        return 0;
    }
}
