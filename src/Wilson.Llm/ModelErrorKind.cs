namespace Wilson.Llm;

/// <summary>What went wrong with a model call, in terms a router and a person can act on.</summary>
public enum ModelErrorKind
{
    /// <summary>Nothing answered at the endpoint's address (refused, no route, DNS).</summary>
    Unreachable,

    /// <summary>The endpoint does not have the model (Ollama: not pulled).</summary>
    ModelNotFound,

    /// <summary>The endpoint asked us to slow down (HTTP 429); see <see cref="ModelCallException.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>The key was missing or refused (HTTP 401/403).</summary>
    Unauthorized,

    /// <summary>The host could not load the model for lack of memory.</summary>
    OutOfMemory,

    /// <summary>No answer, or no further chunk, within the time allowed.</summary>
    Timeout,

    /// <summary>The answer could not be read: invalid JSON or an unexpected shape.</summary>
    MalformedResponse,

    /// <summary>The connection closed before the model finished its answer.</summary>
    ConnectionLost,

    /// <summary>The endpoint failed on its side (HTTP 5xx).</summary>
    ServerError,

    /// <summary>The endpoint refused the request as invalid (HTTP 400 and other 4xx).</summary>
    BadRequest,
}
