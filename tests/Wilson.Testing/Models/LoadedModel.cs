namespace Wilson.Testing.Models;

/// <summary>A model in memory and when it will be unloaded if not used again.</summary>
internal sealed record LoadedModel(FakeModel Model, DateTimeOffset ExpiresAt);
