using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Secrets.Benchmarks;

/// <summary>
/// A Redis-compatible server (Microsoft Garnet) on a free 127.0.0.1 port, with Lua scripts on and
/// run as transactions (atomic, as in Redis): the arguments of tests/Secrets.Testing/RedisServer.cs.
/// </summary>
internal sealed class GarnetForBench : IDisposable
{
    private readonly GarnetServer server;

    private GarnetForBench(GarnetServer server, int port)
    {
        this.server = server;
        ConnectionString = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>What <c>REDIS_URL</c> holds for this server.</summary>
    public string ConnectionString { get; }

    public static GarnetForBench Start()
    {
        var port = FreePort();
        var server = new GarnetServer(
        [
            "--bind", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--memory", "64m",
            "--index", "1m",
            "--lua",
            "--lua-transaction-mode",
        ]);
        try
        {
            server.Start();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return new GarnetForBench(server, port);
    }

    public void Dispose() => server.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
