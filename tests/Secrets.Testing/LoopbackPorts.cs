using System.Net;
using System.Net.Sockets;

namespace Secrets.Testing;

/// <summary>Ports on 127.0.0.1 for test servers, and for "nothing listens here" (connection refused).</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on right now: the OS handed it out and it was released at once.</summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
