namespace Wilson.Bench;

/// <summary>Passes a request to the real server and keeps a copy of the whole response body.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public static byte[]? Last { get; private set; }

    public static string? LastMediaType { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Last = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        LastMediaType = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
        response.Content = new ByteArrayContent(Last);
        return response;
    }
}
