namespace Wilson.Testing;

/// <summary>The machine's processes as /proc shows them: for asserting that nothing survived.</summary>
public static class ProcessTable
{
    /// <summary>The pids whose command line contains <paramref name="marker"/>.</summary>
    public static List<int> WithCommandLine(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }

        return found;
    }
}
