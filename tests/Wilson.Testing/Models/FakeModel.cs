namespace Wilson.Testing.Models;

/// <summary>A model the fake server has "pulled": listed by <c>/api/tags</c> and <c>/v1/models</c>, answerable by name.</summary>
/// <param name="Name">The name clients ask for (<c>qwen2.5-coder:7b</c>); Ollama lists a name without a tag as <c>name:latest</c>.</param>
/// <param name="SizeBytes">The size Ollama reports on disk and, once loaded, in VRAM.</param>
/// <param name="SupportsTools">False makes a request that offers tools fail with HTTP 400, as Ollama does for such models.</param>
/// <param name="Family">The model family (<c>details.family</c>, <c>general.architecture</c>).</param>
/// <param name="ParameterSize">The parameter size label (<c>details.parameter_size</c>).</param>
/// <param name="ContextLength">The context window <c>/api/show</c> reports (<c>&lt;family&gt;.context_length</c>), in tokens.</param>
public sealed record FakeModel(
    string Name,
    long SizeBytes = 4_000_000_000,
    bool SupportsTools = true,
    string Family = "llama",
    string ParameterSize = "7B",
    int ContextLength = 8192);
