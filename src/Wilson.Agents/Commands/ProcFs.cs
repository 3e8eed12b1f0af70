using System.Globalization;

namespace Wilson.Agents.Commands;

/// <summary>What Linux's <c>/proc</c> tells of other processes; null where a process is gone or not ours to read.</summary>
internal static class ProcFs
{
    public static IEnumerable<int> Ids()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                yield return id;
            }
        }
    }

    /// <summary>The process's environment, NUL-separated <c>NAME=value</c> entries.</summary>
    public static byte[]? Environment(int processId)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{processId}/environ");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>When the process started, in clock ticks since boot (field 22 of <c>stat</c>): with the pid, it names one process.</summary>
    public static long? StartTime(int processId) =>
        StatField(processId, 22) is { } value && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;

    /// <summary>The process's group (field 5 of <c>stat</c>).</summary>
    public static int? Group(int processId) =>
        StatField(processId, 5) is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var group) ? group : null;

    // Fields are counted from 1; the second, the command name in parentheses, may hold spaces, so counting starts after its ')'.
    private static string? StatField(int processId, int field)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return field - 3 < fields.Length ? fields[field - 3] : null;
    }
}
