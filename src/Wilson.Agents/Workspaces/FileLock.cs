namespace Wilson.Agents.Workspaces;

/// <summary>
/// An exclusive lock on a file that holds across processes: on Unix, .NET takes <c>flock</c> for a file opened
/// without sharing, which the kernel releases when the process dies, so a killed Wilson never leaves it held.
/// Waiting polls, backing off to <see cref="MaxWait"/>: the lock is held for one git command at a time.
/// </summary>
internal static class FileLock
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(5);

    /// <summary>Waits until this process holds the lock on <paramref name="path"/> (created if missing); dispose to release it.</summary>
    public static async Task<IDisposable> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var wait = FirstWait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another process (or another store of this one): wait our turn.
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxWait.Ticks));
            }
        }
    }
}
