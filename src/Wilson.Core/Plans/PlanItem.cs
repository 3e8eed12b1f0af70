using Wilson.Core.Items;

namespace Wilson.Core.Plans;

/// <summary>
/// One item of a plan. <see cref="Ref"/> names it within the plan; the item's
/// <see cref="NewWorkItem.Dependencies"/> name other refs of the same plan or existing item keys.
/// </summary>
public sealed record PlanItem(string Ref, NewWorkItem Item);
