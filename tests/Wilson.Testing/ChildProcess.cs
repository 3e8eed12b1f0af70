using System.Diagnostics;
using System.Threading.Channels;

namespace Wilson.Testing;

/// <summary>
/// A real child process running one of this assembly's modes, with its output lines readable as
/// they arrive. Disposing kills it (and its tree) if it still runs.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];
    private readonly List<string> _errors = [];

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Every line read so far, in order.</summary>
    public IReadOnlyList<string> Lines => _seen;

    /// <summary>What it wrote to standard error so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet Wilson.Testing.dll mode args...</c>.</summary>
    public static ChildProcess StartMode(string mode, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Wilson.Testing.dll");
        var info = new ProcessStartInfo("dotnet");
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(mode);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Start(info);
    }

    /// <summary>Starts <paramref name="info"/> (its output redirected here; stdin closed at once).</summary>
    public static ChildProcess Start(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
            }
            else
            {
                child._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._errors)
                {
                    child._errors.Add(e.Data);
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Reads lines until one matches; throws with the output so far if the process ends or time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    _seen.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"no matching line within {timeout}; output so far:\n{Describe()}");
        }

        throw new InvalidOperationException($"the child process ended without a matching line:\n{Describe()}");
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        while (_lines.Reader.TryRead(out var line))
        {
            _seen.Add(line);
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the process alone, as kill -9 does: what it started lives on, orphaned.</summary>
    public async Task CrashAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL, no chance to clean up: what a crash looks like.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public string Describe()
    {
        lock (_errors)
        {
            return $"stdout:\n{string.Join('\n', _seen)}\nstderr:\n{string.Join('\n', _errors)}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
