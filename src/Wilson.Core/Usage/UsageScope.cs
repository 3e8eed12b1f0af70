namespace Wilson.Core.Usage;

/// <summary>Which calls a usage total covers; null fields do not narrow it. <see cref="Day"/> is a UTC date.</summary>
public sealed record UsageScope(long? ProjectId = null, string? ItemKey = null, long? ExecutionId = null, DateOnly? Day = null)
{
    /// <summary>Everything, every day.</summary>
    public static readonly UsageScope All = new();
}
