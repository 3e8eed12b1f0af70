namespace Wilson.Core.Plans;

/// <summary>An idea broken into items with dependencies; valid only as a DAG.</summary>
public sealed record Plan(string Idea, IReadOnlyList<PlanItem> Items);
