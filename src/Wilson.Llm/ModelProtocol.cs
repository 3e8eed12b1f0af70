namespace Wilson.Llm;

/// <summary>The wire protocol an endpoint speaks.</summary>
public enum ModelProtocol
{
    /// <summary>Ollama's native API (<c>/api/chat</c>, <c>/api/tags</c>, <c>/api/ps</c>).</summary>
    Ollama,

    /// <summary>OpenAI's chat completions API, as OpenAI, Groq, OpenRouter, vLLM, LM Studio and llama.cpp serve it.</summary>
    OpenAi,

    /// <summary>Anthropic's messages API.</summary>
    Anthropic,
}
