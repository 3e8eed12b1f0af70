namespace Wilson.Core.Items;

/// <summary>A complexity tier with the reason it was chosen.</summary>
public sealed record TierAssessment(ComplexityTier Tier, string Reason);
