using System.Text.Json;
using Secrets.Audit.Log;

namespace Secrets.Audit.Tests.Log;

/// <summary>The ring buffer on its own: what HTTP tests cannot arrange deterministically.</summary>
public sealed class AuditLogTests
{
    private static AuditEvent Event(long id, string? uri = null) => new(id, "SECRET_READ", DateTimeOffset.UtcNow, "t1", "anonymous", null, "execute",
        "success", "ref", "yaml", "dec_" + id, null, "corr-" + id, null, null, null, uri, null, null, null, null);

    private static void Append(AuditLog log, string? uri = null) =>
        log.Append(uri, "SECRET_READ", static (json, id, raw) => JsonSerializer.Serialize(json, Event(id, raw)));

    [Fact]
    public void Full_buffer_keeps_the_newest_events_newest_first()
    {
        var log = new AuditLog(new AuditOptions(true, 3, false));
        for (var i = 0; i < 7; i++)
            Append(log);

        log.Snapshot().Select(e => e.Id).ShouldBe([7L, 6L, 5L]);
    }

    [Fact]
    public async Task Concurrent_appends_keep_exactly_the_newest_ids()
    {
        // ids are taken under the buffer's lock, so the slot a later id lands in is never
        // overwritten by an earlier one, however the appending threads interleave
        var log = new AuditLog(new AuditOptions(true, 16, false));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
                Append(log);
        })));

        log.Snapshot().Select(e => e.Id).ShouldBe(Enumerable.Range(7985, 16).Select(i => (long)i).Reverse());
    }

    [Fact]
    public void An_event_longer_than_a_slot_is_kept_whole_and_its_neighbours_unchanged()
    {
        var log = new AuditLog(new AuditOptions(true, 4, true));
        var longUri = "yaml://secret/" + new string('a', AuditLog.SlotBytes * 2);
        Append(log, "yaml://secret/first");
        Append(log, longUri);
        Append(log, "yaml://secret/third");

        log.Snapshot().Select(e => (e.Id, e.Uri)).ShouldBe([(3L, "yaml://secret/third"), (2L, longUri), (1L, "yaml://secret/first")]);

        for (var i = 0; i < 4; i++)
            Append(log, "yaml://secret/short");   // the slot of the long event is reused by a short one
        log.Snapshot().Select(e => e.Uri).ShouldAllBe(u => u == "yaml://secret/short");
    }
}
