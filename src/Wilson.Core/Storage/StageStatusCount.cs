using Wilson.Core.Items;

namespace Wilson.Core.Storage;

/// <summary>How many items are at a stage with a status.</summary>
public sealed record StageStatusCount(string Stage, WorkStatus Status, int Count);
