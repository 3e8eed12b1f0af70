namespace Wilson.Testing.Models;

/// <summary>The errors every protocol can answer with, each protocol in its own words and body shape.</summary>
internal enum ProtocolError
{
    /// <summary>400; the detail is the message.</summary>
    BadRequest,

    /// <summary>401.</summary>
    Unauthorized,

    /// <summary>404 for a model; the detail is the model's name.</summary>
    NotFound,

    /// <summary>429; the response already carries <c>Retry-After</c>.</summary>
    RateLimited,

    /// <summary>500.</summary>
    ServerError,

    /// <summary>500 saying the model does not fit in memory.</summary>
    OutOfMemory,
}
