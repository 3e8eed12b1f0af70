using Wilson.Core.Configuration;

namespace Wilson.Llm;

/// <summary>Per-model settings a provider sends with each call.</summary>
/// <param name="KeepAlive">Ollama: how long the model stays loaded after a call (negative = until unloaded).</param>
/// <param name="NumCtx">Ollama: the context window to load the model with.</param>
/// <param name="MaxOutputTokens">
/// The answer's token limit, sent on every protocol (OpenAI <c>max_tokens</c>, Ollama <c>options.num_predict</c>,
/// Anthropic <c>max_tokens</c>) when the call's <c>ChatOptions.MaxOutputTokens</c> gives none.
/// </param>
public sealed record ModelCallSettings(TimeSpan? KeepAlive = null, int? NumCtx = null, int MaxOutputTokens = ModelConfig.DefaultMaxOutputTokens);
