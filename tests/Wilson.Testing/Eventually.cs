using System.Diagnostics;

namespace Wilson.Testing;

/// <summary>Waiting for something another thread or process does, with a limit and a message that says what never happened.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed >= (limit ?? TimeSpan.FromSeconds(5)))
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> (asked again every 20 ms) holds.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed >= (limit ?? TimeSpan.FromSeconds(5)))
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(20);
        }
    }
}
