namespace Wilson.Llm;

/// <summary>
/// A model call that failed, with a message that says what happened and what to do, and never the
/// key: provider exceptions are not kept as inner exceptions, because their messages and data can
/// carry the request's headers or a server's echo of the key.
/// </summary>
public sealed class ModelCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelCallException(ModelErrorKind kind, string endpoint, string? model, string message, TimeSpan? retryAfter = null)
        : base(message)
    {
        Kind = kind;
        Endpoint = endpoint;
        Model = model;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception with a generic message (for serializers and analyzers).</summary>
    public ModelCallException()
        : this(ModelErrorKind.ServerError, "", null, "the model call failed")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ModelCallException(string message)
        : this(ModelErrorKind.ServerError, "", null, message)
    {
    }

    /// <summary>Creates an exception with a message; the inner exception is deliberately dropped (it may hold the key).</summary>
    public ModelCallException(string message, Exception innerException)
        : this(ModelErrorKind.ServerError, "", null, message)
    {
        _ = innerException;
    }

    /// <summary>What went wrong.</summary>
    public ModelErrorKind Kind { get; }

    /// <summary>The configured name of the endpoint called.</summary>
    public string Endpoint { get; }

    /// <summary>The model asked for, if known.</summary>
    public string? Model { get; }

    /// <summary>How long the endpoint asked us to wait before trying again (HTTP Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True for failures that may pass if the same call is tried again later.</summary>
    public bool IsTransient => Kind is ModelErrorKind.RateLimited or ModelErrorKind.ServerError or ModelErrorKind.Timeout
        or ModelErrorKind.ConnectionLost or ModelErrorKind.Unreachable or ModelErrorKind.MalformedResponse;
}
