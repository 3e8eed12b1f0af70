namespace Wilson.Llm;

/// <summary>The memory this machine (or its container's limit) gives the process.</summary>
public static class MachineMemory
{
    /// <summary>Total memory in bytes, as the runtime sees it (cgroup limits included).</summary>
    public static long TotalBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
