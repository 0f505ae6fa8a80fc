using Secrets.Audit.Outbox;

namespace Secrets.Audit.Tests.Outbox;

/// <summary>The outbox on real files in a temp directory: group commit, order, restarts, limits and segments.</summary>
public sealed class AuditOutboxTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempOutbox dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Concurrent_appends_are_all_readable_in_offset_order_and_share_fsyncs()
    {
        const int n = 300;
        await using var outbox = dir.Open();

        var offsets = await Task.WhenAll(Enumerable.Range(0, n)
            .Select(i => Task.Run(async () => (Offset: await outbox.AppendAsync(TempOutbox.Payload(i), Ct), Index: i), Ct)));

        offsets.Select(o => o.Offset).Order().ShouldBe(Enumerable.Range(0, n).Select(i => (long)i));
        var records = await outbox.ReadAsync(0, n + 10, Ct);
        records.Select(r => r.Offset).ShouldBe(Enumerable.Range(0, n).Select(i => (long)i));
        foreach (var (offset, index) in offsets)
            records[(int)offset].Payload.ToArray().ShouldBe(TempOutbox.Payload(index));
        outbox.FsyncCount.ShouldBeGreaterThan(0);
        outbox.FsyncCount.ShouldBeLessThan(n);
    }

    [Fact]
    public async Task Appends_in_flight_together_are_written_in_fewer_batches_than_records()
    {
        const int n = 500;
        await using var outbox = dir.Open();

        var pending = Enumerable.Range(0, n).Select(i => outbox.AppendAsync(TempOutbox.Payload(i), Ct).AsTask()).ToList();
        var offsets = await Task.WhenAll(pending);

        offsets.ShouldBe(Enumerable.Range(0, n).Select(i => (long)i));   // appended from one thread: offsets in call order
        outbox.FsyncCount.ShouldBeLessThan(n);
        (await outbox.ReadAsync(0, n, Ct)).Select(r => r.Payload.ToArray()).ShouldBe(Enumerable.Range(0, n).Select(i => TempOutbox.Payload(i)));
    }

    [Fact]
    public async Task Reads_page_through_the_records_from_any_offset()
    {
        await using var outbox = dir.Open();
        for (var i = 0; i < 10; i++)
            (await outbox.AppendAsync(TempOutbox.Payload(i), Ct)).ShouldBe(i);

        var first = await outbox.ReadAsync(0, 4, Ct);
        var second = await outbox.ReadAsync(4, 4, Ct);
        var rest = await outbox.ReadAsync(8, 4, Ct);
        var middle = await outbox.ReadAsync(5, 2, Ct);

        first.Concat(second).Concat(rest).Select(r => r.Offset).ShouldBe(Enumerable.Range(0, 10).Select(i => (long)i));
        rest.Select(r => r.Payload.ToArray()).ShouldBe([TempOutbox.Payload(8), TempOutbox.Payload(9)]);
        middle.Select(r => r.Offset).ShouldBe([5L, 6L]);
        (await outbox.ReadAsync(10, 4, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Reopening_resumes_after_the_persisted_acknowledgement_with_the_same_offsets()
    {
        await using (var outbox = dir.Open())
        {
            for (var i = 0; i < 10; i++)
                await outbox.AppendAsync(TempOutbox.Payload(i), Ct);
            await outbox.AcknowledgeAsync(3, Ct);
            outbox.NextUnacknowledged.ShouldBe(4);
        }

        await using var reopened = dir.Open();

        reopened.NextUnacknowledged.ShouldBe(4);
        reopened.NextOffset.ShouldBe(10);
        reopened.DepthRecords.ShouldBe(6);
        var again = await reopened.ReadAsync(reopened.NextUnacknowledged, 100, Ct);
        again.Select(r => r.Offset).ShouldBe([4L, 5L, 6L, 7L, 8L, 9L]);
        again.Select(r => r.Payload.ToArray()).ShouldBe(Enumerable.Range(4, 6).Select(i => TempOutbox.Payload(i)));
        (await reopened.AppendAsync(TempOutbox.Payload(10), Ct)).ShouldBe(10);
    }

    [Fact]
    public async Task An_acknowledgement_that_is_not_newer_changes_nothing_and_one_past_the_end_is_refused()
    {
        await using var outbox = dir.Open();
        for (var i = 0; i < 3; i++)
            await outbox.AppendAsync(TempOutbox.Payload(i), Ct);
        await outbox.AcknowledgeAsync(1, Ct);

        await outbox.AcknowledgeAsync(0, Ct);
        var ahead = async () => await outbox.AcknowledgeAsync(3, Ct);

        outbox.NextUnacknowledged.ShouldBe(2);
        await ahead.ShouldThrowAsync<ArgumentOutOfRangeException>();
        outbox.NextUnacknowledged.ShouldBe(2);
    }

    [Fact]
    public async Task A_full_outbox_refuses_appends_and_is_unhealthy_until_acknowledgements_free_space()
    {
        // 100-byte payloads take 108 bytes framed: 7 fit under 80 % of 1,000, the 8th and 9th make it degraded, the 10th does not fit
        await using var outbox = dir.Open(maxBytes: 1000);
        for (var i = 0; i < 7; i++)
            await outbox.AppendAsync(TempOutbox.Payload(i), Ct);
        outbox.Health.ShouldBe(AuditOutboxHealth.Healthy);
        outbox.DepthBytes.ShouldBe(756);

        await outbox.AppendAsync(TempOutbox.Payload(7), Ct);
        await outbox.AppendAsync(TempOutbox.Payload(8), Ct);
        outbox.Health.ShouldBe(AuditOutboxHealth.Degraded);

        var refused = await Should.ThrowAsync<AuditOutboxException>(async () => await outbox.AppendAsync(TempOutbox.Payload(9), Ct));
        refused.Failure.ShouldBe(AuditOutboxFailure.Full);
        outbox.Health.ShouldBe(AuditOutboxHealth.Unhealthy);
        outbox.DepthBytes.ShouldBe(972);
        outbox.NextOffset.ShouldBe(9);

        await outbox.AcknowledgeAsync(4, Ct);

        outbox.DepthBytes.ShouldBe(432);
        outbox.Health.ShouldBe(AuditOutboxHealth.Healthy);
        (await outbox.AppendAsync(TempOutbox.Payload(9), Ct)).ShouldBe(9);
    }

    [Fact]
    public async Task Segments_roll_at_their_size_and_are_deleted_once_every_record_in_them_is_acknowledged()
    {
        // 108 bytes a record and 300 bytes a segment: two records each, in segments named 0, 2 and 4
        await using (var outbox = dir.Open(segmentBytes: 300))
        {
            for (var i = 0; i < 6; i++)
                await outbox.AppendAsync(TempOutbox.Payload(i), Ct);
            dir.Segments().Select(Path.GetFileName).ShouldBe(["00000000000000000000.seg", "00000000000000000002.seg", "00000000000000000004.seg"]);
            (await outbox.ReadAsync(0, 10, Ct)).Select(r => r.Offset).ShouldBe([0L, 1L, 2L, 3L, 4L, 5L]);

            await outbox.AcknowledgeAsync(2, Ct);
            dir.Segments().Select(Path.GetFileName).ShouldBe(["00000000000000000002.seg", "00000000000000000004.seg"]);

            await outbox.AcknowledgeAsync(5, Ct);
            dir.Segments().Select(Path.GetFileName).ShouldBe(["00000000000000000004.seg"]);   // the segment being written stays
            outbox.DepthBytes.ShouldBe(0);
            await Should.ThrowAsync<ArgumentOutOfRangeException>(async () => await outbox.ReadAsync(1, 10, Ct));
            (await outbox.AppendAsync(TempOutbox.Payload(6), Ct)).ShouldBe(6);
        }

        await using var reopened = dir.Open(segmentBytes: 300);
        reopened.NextUnacknowledged.ShouldBe(6);
        (await reopened.ReadAsync(6, 10, Ct)).Select(r => r.Payload.ToArray()).ShouldBe([TempOutbox.Payload(6)]);
    }

    [Fact]
    public async Task The_segment_being_written_is_filled_with_zeros_ahead_and_holds_only_records_once_closed()
    {
        var framed = OutboxFraming.FramedLength(100);
        string segment;
        await using (var outbox = dir.Open())
        {
            for (var i = 0; i < 3; i++)
                await outbox.AppendAsync(TempOutbox.Payload(i), Ct);
            segment = dir.Segments().Single();
            await WaitForAsync(() => new FileInfo(segment).Length > 3 * framed);
            (await outbox.ReadAsync(0, 10, Ct)).Count.ShouldBe(3);
        }

        new FileInfo(segment).Length.ShouldBe(3 * framed);
    }

    [Fact]
    public async Task A_segment_that_rolls_over_loses_the_zeros_after_its_last_record()
    {
        var framed = OutboxFraming.FramedLength(100);
        await using var outbox = dir.Open(segmentBytes: 64 << 10);
        var perSegment = (64 << 10) / framed;
        for (var i = 0; i <= perSegment; i++)
            await outbox.AppendAsync(TempOutbox.Payload(i), Ct);

        var segments = dir.Segments();
        segments.Length.ShouldBe(2);
        new FileInfo(segments[0]).Length.ShouldBe(perSegment * framed);
        (await outbox.ReadAsync(0, perSegment + 10, Ct)).Count.ShouldBe(perSegment + 1);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        condition().ShouldBeTrue();
    }

    [Fact]
    public async Task A_directory_that_cannot_be_created_is_refused_as_unwritable()
    {
        // root ignores permission bits, so the outbox path is put below a regular file: no user may create a directory there
        var file = Path.Combine(dir.Root, "a-file");
        await File.WriteAllTextAsync(file, "not a directory", Ct);

        var open = () => AuditOutbox.Open(new AuditOutboxOptions(Path.Combine(file, "outbox")), dir.Logs.Logger<AuditOutbox>());

        open.ShouldThrow<AuditOutboxException>().Failure.ShouldBe(AuditOutboxFailure.Unwritable);
    }

    [Fact]
    public async Task A_directory_that_becomes_unwritable_fails_appends_and_keeps_every_durable_record()
    {
        // the directory is moved away and a regular file put in its place, which fails even for root;
        // the third record needs a new segment there
        var moved = dir.OutboxPath + ".moved";
        await using (var outbox = dir.Open(segmentBytes: 300))
        {
            await outbox.AppendAsync(TempOutbox.Payload(0), Ct);
            await outbox.AppendAsync(TempOutbox.Payload(1), Ct);
            Directory.Move(dir.OutboxPath, moved);
            await File.WriteAllTextAsync(dir.OutboxPath, "not a directory", Ct);

            var failed = await Should.ThrowAsync<AuditOutboxException>(async () => await outbox.AppendAsync(TempOutbox.Payload(2), Ct));

            failed.Failure.ShouldBe(AuditOutboxFailure.Unwritable);
            outbox.Health.ShouldBe(AuditOutboxHealth.Unhealthy);
            outbox.NextOffset.ShouldBe(2);
            outbox.DepthBytes.ShouldBe(216);
        }
        File.Delete(dir.OutboxPath);
        Directory.Move(moved, dir.OutboxPath);

        await using var reopened = dir.Open(segmentBytes: 300);
        (await reopened.ReadAsync(0, 10, Ct)).Select(r => r.Payload.ToArray()).ShouldBe([TempOutbox.Payload(0), TempOutbox.Payload(1)]);
        (await reopened.AppendAsync(TempOutbox.Payload(2), Ct)).ShouldBe(2);
        reopened.Health.ShouldBe(AuditOutboxHealth.Healthy);
    }

    [Fact]
    public async Task A_write_that_fails_on_a_full_disk_completes_no_append_and_makes_the_outbox_unhealthy()
    {
        // /dev/full refuses every write with ENOSPC, root or not: the segment being written is made to point there
        if (!File.Exists("/dev/full"))
            throw new InvalidOperationException("this test needs /dev/full");
        await using (var outbox = dir.Open())
        {
        }
        var segment = dir.Segments().Single();
        File.Delete(segment);
        File.CreateSymbolicLink(segment, "/dev/full");
        await using var full = dir.Open();

        var failed = await Should.ThrowAsync<AuditOutboxException>(async () => await full.AppendAsync(TempOutbox.Payload(0), Ct));

        failed.Failure.ShouldBe(AuditOutboxFailure.Unwritable);
        full.Health.ShouldBe(AuditOutboxHealth.Unhealthy);
        full.NextOffset.ShouldBe(0);
        full.DepthBytes.ShouldBe(0);
        (await full.ReadAsync(0, 10, Ct)).ShouldBeEmpty();
    }
}
