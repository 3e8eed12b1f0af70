namespace Wilson.Core.Storage;

/// <summary>A worker asking for the next runnable item.</summary>
/// <param name="Owner">The worker's identity; only it may renew or complete the lease.</param>
/// <param name="LeaseDuration">How long the claim holds without a heartbeat.</param>
/// <param name="ProjectId">Claim only from this project; null for any project.</param>
public sealed record ClaimRequest(string Owner, TimeSpan LeaseDuration, long? ProjectId = null);
