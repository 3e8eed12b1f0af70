namespace Wilson.Core.Items;

/// <summary>A worker's claim on a running item, valid until <see cref="ExpiresAt"/> unless renewed.</summary>
public sealed record Lease(string Owner, DateTimeOffset ExpiresAt);
