namespace Wilson.Llm.Providers.Ollama;

/// <summary>What Wilson asks of Ollama for one model on every call.</summary>
/// <param name="KeepAlive">How long Ollama keeps the model loaded after the call; negative = until unloaded; null = Ollama's default (5m).</param>
/// <param name="NumCtx">The context window to load the model with; null = the model's default.</param>
/// <param name="NumPredict">The answer's token limit when the call's options give none; null = Ollama's default (no limit).</param>
public sealed record OllamaModelOptions(TimeSpan? KeepAlive = null, int? NumCtx = null, int? NumPredict = null);
