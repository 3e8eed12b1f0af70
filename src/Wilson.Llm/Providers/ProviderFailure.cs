namespace Wilson.Llm.Providers;

/// <summary>What a provider library's exception meant, as a protocol's translator reads it.</summary>
internal sealed record ProviderFailure(ModelErrorKind Kind, string Message, TimeSpan? RetryAfter = null);
