using Secrets.Audit.Log;

namespace Secrets.Audit.Tests.Log;

/// <summary>The ring buffer on its own: what HTTP tests cannot arrange deterministically.</summary>
public sealed class AuditLogTests
{
    private static AuditEvent Event(long id) => new(id, "SECRET_READ", DateTimeOffset.UtcNow, "t1", "anonymous", null, "execute",
        "success", "ref", "yaml", "dec_" + id, null, "corr-" + id, null, null, null, null, null, null, null, null);

    [Fact]
    public void Full_buffer_keeps_the_newest_events_newest_first()
    {
        var log = new AuditLog(new AuditOptions(true, 3, false));
        for (var i = 0; i < 7; i++)
            log.Append(Event);

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
                log.Append(Event);
        })));

        log.Snapshot().Select(e => e.Id).ShouldBe(Enumerable.Range(7985, 16).Select(i => (long)i).Reverse());
    }
}
