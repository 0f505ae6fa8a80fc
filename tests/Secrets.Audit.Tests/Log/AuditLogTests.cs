using Secrets.Audit.Log;

namespace Secrets.Audit.Tests.Log;

/// <summary>The ring buffer on its own: what HTTP tests cannot arrange deterministically.</summary>
public sealed class AuditLogTests
{
    private static AuditEvent Event(long id) => new(id, "SECRET_READ", DateTimeOffset.UtcNow, "t1", "anonymous", null, "execute",
        "success", "ref", "yaml", "dec_" + id, null, "corr-" + id, null, null, null, null);

    [Fact]
    public void Full_buffer_keeps_the_newest_events_newest_first()
    {
        var log = new AuditLog(new AuditOptions(true, 3, false));
        for (var i = 0; i < 7; i++)
            log.Append(Event(log.NextId()));

        log.Snapshot().Select(e => e.Id).ShouldBe([7L, 6L, 5L]);
    }

    [Fact]
    public void Newest_event_is_kept_when_two_requests_append_out_of_id_order()
    {
        // Two concurrent audits: each takes its id (NextId) and then appends; the one with the
        // lower id can append last. With a full buffer, both ids map to the same slot.
        var log = new AuditLog(new AuditOptions(true, 1, false));
        var older = Event(log.NextId());
        var newer = Event(log.NextId());

        log.Append(newer);
        log.Append(older);

        log.Snapshot().ShouldHaveSingleItem().Id.ShouldBe(newer.Id, "the buffer keeps the newest events, not the last appended");
    }
}
