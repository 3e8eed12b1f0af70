namespace Wilson.Llm.Providers;

/// <summary>What a failed call means: its kind, what to tell the person, and the wait the server asked for.</summary>
internal sealed record ProviderFailure(ModelErrorKind Kind, string Message, TimeSpan? RetryAfter = null);
