namespace Wilson.Llm.Providers.LlamaCpp;

/// <summary>What llama.cpp's <c>llama-server</c> says of itself at <c>GET /props</c>.</summary>
/// <param name="ContextLength">The tokens of context each slot holds (<c>default_generation_settings.n_ctx</c>): the most a call's prompt and answer may take together.</param>
/// <param name="Slots">How many calls it serves at once (<c>total_slots</c>, its <c>--parallel</c>); null when it does not say.</param>
public sealed record LlamaServerProps(int ContextLength, int? Slots);
