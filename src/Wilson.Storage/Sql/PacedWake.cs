namespace Wilson.Storage.Sql;

/// <summary>
/// Wakes watchers for a change seen from outside this process's commit path (a file event of the
/// SQLite database, a PostgreSQL NOTIFY), at most once per <see cref="QuietPeriod"/>: the first at
/// once, any that follow within the period by one wake at its end. A change is therefore seen at most
/// one period late.
/// </summary>
/// <remarks>
/// Those sources also report this process's own commits, whose watchers the commit has already woken;
/// waking them again for each report doubled their reads under load and stalled them behind their own
/// work (ADR 0003). The period runs on real time whatever clock the store runs on: it paces the
/// reports, not anything a test schedules.
/// </remarks>
internal sealed class PacedWake(EventSignal signal, TimeProvider? time = null)
{
    /// <summary>The least time between two wakes.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastWake = long.MinValue;
    private int _wakeScheduled;

    /// <summary>Wakes watchers now, or at the end of the current quiet period.</summary>
    public void Request()
    {
        if (Volatile.Read(ref _wakeScheduled) == 1)
        {
            // A wake is on its way, and it comes after this change: the watchers will read it then.
            return;
        }

        var lastWake = Volatile.Read(ref _lastWake);
        var sinceLastWake = lastWake == long.MinValue ? QuietPeriod : _time.GetElapsedTime(lastWake);
        if (sinceLastWake >= QuietPeriod)
        {
            Wake();
        }
        else if (Interlocked.CompareExchange(ref _wakeScheduled, 1, 0) == 0)
        {
            _ = WakeLaterAsync(QuietPeriod - sinceLastWake);
        }
    }

    private async Task WakeLaterAsync(TimeSpan delay)
    {
        await Task.Delay(delay, _time);
        Volatile.Write(ref _wakeScheduled, 0);
        Wake();
    }

    private void Wake()
    {
        Volatile.Write(ref _lastWake, _time.GetTimestamp());
        signal.Pulse();
    }
}
