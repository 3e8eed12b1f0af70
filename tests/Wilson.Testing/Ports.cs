using System.Net;
using System.Net.Sockets;

namespace Wilson.Testing;

/// <summary>Loopback ports for tests.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on (it was free a moment ago): where "the server is down".</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
