using System.Globalization;
using Garnet;

namespace Secrets.Testing;

/// <summary>
/// A Redis-compatible server in this process (Microsoft Garnet) on a free 127.0.0.1 port, with Lua
/// scripts on and run as transactions (atomic, as in Redis). Use it as an xunit class or collection
/// fixture, or create one per test. <see cref="Stop"/> simulates "Redis down" (the port is closed);
/// <see cref="Start"/> brings an empty server back on the same port, as a restarted Redis without
/// persistence would be (data and script cache gone).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Lock gate = new();
    private GarnetServer? server;
    private bool disposed;

    public RedisServer()
    {
        Port = LoopbackPorts.Unused();
        Start();
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server (what <c>REDIS_URL</c> holds).</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The same with admin commands allowed (SCRIPT FLUSH, FLUSHALL).</summary>
    public string AdminConnectionString => ConnectionString + ",allowAdmin=true";

    public bool IsRunning
    {
        get
        {
            lock (gate)
                return server is not null;
        }
    }

    /// <summary>Starts the server if it is stopped; a no-op while it runs.</summary>
    public void Start()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (server is not null)
                return;
            // The port may still be held for a moment by the server just stopped: retry a few times.
            for (var attempt = 1; ; attempt++)
            {
                var candidate = new GarnetServer(Arguments(Port));
                try
                {
                    candidate.Start();
                    server = candidate;
                    return;
                }
                catch (Exception) when (attempt < 20)
                {
                    candidate.Dispose();
                    Thread.Sleep(50 * attempt);
                }
                catch
                {
                    candidate.Dispose();
                    throw;
                }
            }
        }
    }

    /// <summary>Stops the server and closes its port (clients see connection failures); a no-op when stopped.</summary>
    public void Stop()
    {
        lock (gate)
        {
            var running = server;
            server = null;
            running?.Dispose();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
            Stop();
        }
    }

    private static string[] Arguments(int port) =>
    [
        "--bind", "127.0.0.1",
        "--port", port.ToString(CultureInfo.InvariantCulture),
        "--memory", "64m",
        "--index", "1m",
        "--lua",
        "--lua-transaction-mode",
    ];
}
