using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Audit.Integrity;
using Secrets.Audit.Log;
using Secrets.Audit.Outbox;

namespace Secrets.Audit.Tests.Log;

/// <summary>The ring buffer on its own: what HTTP tests cannot arrange deterministically.</summary>
public sealed class AuditLogTests
{
    private long stored;

    /// <summary>Stores the line of one event, numbered as the chain would, with <paramref name="uri"/> as its raw URI.</summary>
    private void Append(AuditLog log, string? uri = null)
    {
        var seq = ++stored;
        var data = new AuditEvent("node-a.0001", seq, "h", "SECRET_READ", DateTimeOffset.UtcNow, "t1", "anonymous", null, "execute",
            "success", "ref", "yaml", "dec_" + seq, null, "corr-" + seq, null, null, null, uri, null, null, null, null, null, null, null, null, null);
        log.Store(seq, JsonSerializer.SerializeToUtf8Bytes(new { specversion = "1.0", data }), "SECRET_READ");
    }

    [Fact]
    public void Full_buffer_keeps_the_newest_events_newest_first()
    {
        var log = new AuditLog(new AuditOptions(true, 3, false));
        for (var i = 0; i < 7; i++)
            Append(log);

        log.Snapshot().Select(e => e.Seq).ShouldBe([7L, 6L, 5L]);
    }

    [Fact]
    public async Task Concurrent_events_keep_exactly_the_newest_seqs()
    {
        // the emitter chains and stores under one lock, so the slot a later seq lands in is never
        // overwritten by an earlier one, however the writing threads interleave
        var log = new AuditLog(new AuditOptions(true, 16, false));
        using var key = AuditSigningKey.Generate();
        var checkpoints = new AuditCheckpoints(new AuditChain("node-a.0001"), key, "t1", 1_000_000, 60, TimeProvider.System);
        var durability = new AuditDurability(new ServiceCollection().BuildServiceProvider(), false, false,
            NullLogger<AuditDurability>.Instance);
        using var emitter = new AuditEmitter(log, checkpoints, durability, 1);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
                emitter.Emit(new AuditCloudEvent("SECRET_READ", DateTimeOffset.UtcNow, null), 0, static (json, _) =>
                {
                    json.WriteString("event_type", "SECRET_READ");
                    json.WriteString("time", DateTimeOffset.UtcNow);
                    json.WriteString("tenant", "t1");
                }, sampleable: false, out ValueTask<long>? _);
        })));

        log.Snapshot().Select(e => e.Seq).ShouldBe(Enumerable.Range(7985, 16).Select(i => (long)i).Reverse());
    }

    [Fact]
    public void An_event_longer_than_a_slot_is_kept_whole_and_its_neighbours_unchanged()
    {
        var log = new AuditLog(new AuditOptions(true, 4, true));
        var longUri = "yaml://secret/" + new string('a', AuditLog.SlotBytes * 2);
        Append(log, "yaml://secret/first");
        Append(log, longUri);
        Append(log, "yaml://secret/third");

        log.Snapshot().Select(e => (e.Seq, e.Uri)).ShouldBe([(3L, "yaml://secret/third"), (2L, longUri), (1L, "yaml://secret/first")]);

        for (var i = 0; i < 4; i++)
            Append(log, "yaml://secret/short");   // the slot of the long event is reused by a short one
        log.Snapshot().Select(e => e.Uri).ShouldAllBe(u => u == "yaml://secret/short");
    }
}
