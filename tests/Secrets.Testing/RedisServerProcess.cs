using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Secrets.Testing;

/// <summary>
/// A real Redis (Debian's <c>redis-server</c>, installed with apt-get when missing) on a free 127.0.0.1 port, without
/// persistence. <see cref="Stop"/> ends the process (SIGTERM, as a restart by a service manager does) and waits until
/// it is gone; <see cref="Start"/> starts it again on the same port, empty, as a restarted Redis without persistence
/// is. Use it where the server must be a separate process (several host processes share it); in-process tests use
/// <see cref="RedisServer"/>.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly Lock gate = new();
    private Process? process;

    public RedisServerProcess()
    {
        Executable = DebianPackages.Ensure("redis-server", "redis-server");
        Port = LoopbackPorts.Unused();
        Start();
    }

    public string Executable { get; }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server (what <c>REDIS_URL</c> holds).</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The same with admin commands allowed (FLUSHALL).</summary>
    public string AdminConnectionString => ConnectionString + ",allowAdmin=true";

    /// <summary>Starts the server if it is stopped and waits until it accepts connections.</summary>
    public void Start()
    {
        lock (gate)
        {
            if (process is not null)
                return;
            var start = new ProcessStartInfo(Executable,
                ["--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--protected-mode", "no"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var started = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
            started.OutputDataReceived += (_, _) => { };
            started.ErrorDataReceived += (_, _) => { };
            started.BeginOutputReadLine();
            started.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!Accepts())
            {
                if (started.HasExited || DateTime.UtcNow > deadline)
                {
                    started.Dispose();
                    throw new InvalidOperationException($"redis-server did not listen on {ConnectionString}");
                }
                Thread.Sleep(20);
            }
            process = started;
        }
    }

    /// <summary>SIGTERM, and waits until the process has exited (its port is closed then).</summary>
    public void Stop()
    {
        lock (gate)
        {
            if (process is not { } running)
                return;
            process = null;
            if (!running.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", running.Id.ToString(CultureInfo.InvariantCulture)]))
                    kill?.WaitForExit();
                if (!running.WaitForExit(10_000))
                    running.Kill();
            }
            running.WaitForExit();
            running.Dispose();
        }
    }

    public void Dispose() => Stop();

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            return stream.Read(buffer) > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
