using Microsoft.AspNetCore.Http;

namespace Wilson.Testing.Models;

/// <summary>Writes <paramref name="error"/> as one protocol's error response (status and body).</summary>
/// <param name="context">The request.</param>
/// <param name="error">What went wrong.</param>
/// <param name="detail">The model's name for <see cref="ProtocolError.NotFound"/>, the message for <see cref="ProtocolError.BadRequest"/>; unused otherwise.</param>
internal delegate Task ProtocolErrorWriter(HttpContext context, ProtocolError error, string detail);
