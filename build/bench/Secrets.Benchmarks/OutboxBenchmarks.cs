using System.Collections.Concurrent;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Audit.Outbox;

namespace Secrets.Benchmarks;

/// <summary>
/// How fast the audit outbox takes events: one operation is <see cref="Appenders"/> concurrent appenders each appending
/// <see cref="PerAppender"/> events of 600 bytes, one after another, every append waiting for its group commit's fsync.
/// The outbox lives in a fresh directory under <c>OUTBOX_BENCH_DIR</c> (default: the temp folder), on the disk the
/// service would use; after each iteration the relay's acknowledgement is simulated so the outbox never fills.
/// <see cref="Cleanup"/> checks every event is durable at its own offset and records the fsyncs the case made.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class OutboxBenchmarks
{
    public const string CheckPrefix = "OUTBOX check";
    public const int PerAppender = 100;
    public const int EventBytes = 600;

    /// <summary>Per case (appenders): the events appended and the fsyncs they took, over every iteration including warm-up.</summary>
    public static readonly ConcurrentDictionary<int, (long Events, long Fsyncs)> Totals = new();

    private string directory = "";
    private AuditOutbox outbox = null!;
    private byte[][] events = [];

    [Params(1, 16, 64)]
    public int Appenders { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var root = Environment.GetEnvironmentVariable("OUTBOX_BENCH_DIR") is { Length: > 0 } configured ? configured : Path.GetTempPath();
        directory = Path.Combine(root, "outbox-bench-" + Guid.NewGuid().ToString("N"));
        outbox = AuditOutbox.Open(new AuditOutboxOptions(directory), NullLogger<AuditOutbox>.Instance);
        events = [.. Enumerable.Range(0, Appenders).Select(Event)];
    }

    [Benchmark]
    public Task AppendEvents() =>
        Task.WhenAll(events.Select(payload => Task.Run(async () =>
        {
            for (var i = 0; i < PerAppender; i++)
                await outbox.AppendAsync(payload, CancellationToken.None);
        })));

    [IterationCleanup]
    public void Acknowledge() => outbox.AcknowledgeAsync(outbox.NextOffset - 1, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        var appended = outbox.NextOffset;
        var fsyncs = outbox.FsyncCount;
        var last = outbox.ReadAsync(appended - 1, 10, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var ok = appended > 0 && appended % (Appenders * PerAppender) == 0 && last.Count == 1 && last[0].Offset == appended - 1
                 && last[0].Payload.Length == EventBytes && outbox.DepthBytes == 0;
        Totals[Appenders] = (appended, fsyncs);
        Console.WriteLine($"{CheckPrefix} appenders={Appenders}: {appended} events durable at offsets 0..{appended - 1}, {fsyncs} fsyncs " + (ok ? "OK" : "FAILED"));
        outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>An audit event of 600 bytes of JSON, as the relay would carry.</summary>
    private static byte[] Event(int appender)
    {
        var head = $"{{\"id\":\"evt-{appender:D4}\",\"type\":\"SECRET_READ\",\"effect\":\"permit\",\"resource_ref\":\"";
        var tail = "\"}";
        var text = head + new string('r', EventBytes - head.Length - tail.Length) + tail;
        return Encoding.ASCII.GetBytes(text);
    }
}
