namespace Wilson.Core.Items;

/// <summary>One step of an item's checklist and whether it is done.</summary>
public sealed record ChecklistStep(string Text, bool Done);
