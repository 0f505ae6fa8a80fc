using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Outbox;

namespace Secrets.Audit.Tests.Outbox;

/// <summary>Opening an outbox as a crash left it: torn tails are cut off and counted, corruption stops it.</summary>
public sealed class OutboxRecoveryTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempOutbox dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> TornTails => ["short length", "short payload", "short crc", "bad crc", "zero-filled record"];

    private static byte[] Torn(string kind)
    {
        var frame = new byte[OutboxFraming.FramedLength(100)];
        OutboxFraming.Write(TempOutbox.Payload(99), frame);
        return kind switch
        {
            "short length" => frame[..2],
            "short payload" => frame[..50],
            "short crc" => frame[..^2],
            "bad crc" => Flip(frame, 60),
            "zero-filled record" => [.. frame[..4], .. new byte[frame.Length - 4]],   // its length written, the rest still zeros
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x40;
        return bytes;
    }

    private async Task<string> WriteGoodRecordsAsync(int count, long segmentBytes = AuditOutboxOptions.DefaultSegmentBytes)
    {
        await using var outbox = dir.Open(segmentBytes);
        for (var i = 0; i < count; i++)
            await outbox.AppendAsync(TempOutbox.Payload(i), Ct);
        return dir.Segments()[^1];
    }

    [Theory]
    [MemberData(nameof(TornTails))]
    public async Task A_torn_final_record_is_cut_off_reported_and_never_read(string kind)
    {
        var segment = await WriteGoodRecordsAsync(3);
        var good = new FileInfo(segment).Length;
        var torn = Torn(kind);
        await using (var file = new FileStream(segment, FileMode.Append))
            await file.WriteAsync(torn, Ct);
        var truncations = new List<long>();
        using var listener = Listen("secrets_audit_outbox_truncated_total", truncations);

        await using var outbox = dir.Open();

        new FileInfo(segment).Length.ShouldBe(good);
        truncations.ShouldBe([1L]);
        var warning = dir.Logs.Entries.ShouldHaveSingleItem();
        warning.Level.ShouldBe(LogLevel.Warning);
        warning.Message.ShouldContain("offset 3");
        warning.Message.ShouldContain($"{torn.Length} bytes dropped");
        (await outbox.ReadAsync(0, 10, Ct)).Select(r => r.Payload.ToArray())
            .ShouldBe([TempOutbox.Payload(0), TempOutbox.Payload(1), TempOutbox.Payload(2)]);
        (await outbox.AppendAsync(TempOutbox.Payload(3), Ct)).ShouldBe(3);
        (await outbox.ReadAsync(3, 10, Ct)).Single().Payload.ToArray().ShouldBe(TempOutbox.Payload(3));
    }

    [Fact]
    public async Task Zeros_after_the_last_record_are_cut_off_without_counting_a_torn_record()
    {
        // what a crash leaves of the space the writer fills with zeros ahead of its records
        var segment = await WriteGoodRecordsAsync(3);
        var good = new FileInfo(segment).Length;
        await using (var file = new FileStream(segment, FileMode.Append))
            await file.WriteAsync(new byte[1 << 20], Ct);
        var truncations = new List<long>();
        using var listener = Listen("secrets_audit_outbox_truncated_total", truncations);

        await using var outbox = dir.Open();

        new FileInfo(segment).Length.ShouldBe(good);
        truncations.ShouldBeEmpty();
        dir.Logs.Entries.ShouldNotContain(e => e.Level >= LogLevel.Warning);
        (await outbox.AppendAsync(TempOutbox.Payload(3), Ct)).ShouldBe(3);
        (await outbox.ReadAsync(0, 10, Ct)).Count.ShouldBe(4);
    }

    [Fact]
    public async Task An_outbox_closed_cleanly_opens_without_cutting_anything()
    {
        var segment = await WriteGoodRecordsAsync(3);
        var length = new FileInfo(segment).Length;

        await using var outbox = dir.Open();

        new FileInfo(segment).Length.ShouldBe(length);
        dir.Logs.Entries.ShouldBeEmpty();
        outbox.NextOffset.ShouldBe(3);
    }

    [Theory]
    [InlineData("crc")]
    [InlineData("length")]
    public async Task A_bad_record_before_the_tail_is_reported_as_corruption_and_nothing_is_cut(string damaged)
    {
        var segment = await WriteGoodRecordsAsync(3);
        var bytes = await File.ReadAllBytesAsync(segment, Ct);
        var second = OutboxFraming.FramedLength(100);
        if (damaged == "crc")
            bytes[second + 20] ^= 0x01;                                                      // a payload byte of record 1
        else
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(second), int.MaxValue);      // record 1's length
        await File.WriteAllBytesAsync(segment, bytes, Ct);

        var open = () => dir.Open();

        var corrupt = open.ShouldThrow<AuditOutboxException>();
        corrupt.Failure.ShouldBe(AuditOutboxFailure.Corrupt);
        corrupt.Message.ShouldContain($"byte {second} (offset 1)");
        (await File.ReadAllBytesAsync(segment, Ct)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Corruption_in_an_older_segment_stops_the_read_and_makes_the_outbox_unhealthy()
    {
        // two records a segment; the first segment's second record is damaged, which only reading finds
        await WriteGoodRecordsAsync(6, segmentBytes: 300);
        var first = dir.Segments()[0];
        var bytes = await File.ReadAllBytesAsync(first, Ct);
        bytes[OutboxFraming.FramedLength(100) + 30] ^= 0x01;
        await File.WriteAllBytesAsync(first, bytes, Ct);
        await using var outbox = dir.Open(segmentBytes: 300);
        outbox.Health.ShouldBe(AuditOutboxHealth.Healthy);

        (await outbox.ReadAsync(0, 1, Ct)).Single().Offset.ShouldBe(0);
        var read = async () => await outbox.ReadAsync(0, 10, Ct);

        (await read.ShouldThrowAsync<AuditOutboxException>()).Failure.ShouldBe(AuditOutboxFailure.Corrupt);
        outbox.Health.ShouldBe(AuditOutboxHealth.Unhealthy);
        (await outbox.ReadAsync(2, 10, Ct)).Select(r => r.Offset).ShouldBe([2L, 3L, 4L, 5L]);
    }

    [Fact]
    public async Task Acknowledged_segments_left_behind_by_a_crash_are_deleted_at_open()
    {
        await WriteGoodRecordsAsync(6, segmentBytes: 300);
        await File.WriteAllTextAsync(Path.Combine(dir.OutboxPath, OutboxAckFile.FileName), "3\n", Ct);   // the ack was written, the deletion never happened

        await using var outbox = dir.Open(segmentBytes: 300);

        dir.Segments().Select(Path.GetFileName).ShouldBe(["00000000000000000004.seg"]);
        outbox.NextUnacknowledged.ShouldBe(4);
        outbox.DepthBytes.ShouldBe(216);
        (await outbox.ReadAsync(4, 10, Ct)).Select(r => r.Offset).ShouldBe([4L, 5L]);
    }

    [Fact]
    public async Task Missing_records_below_the_first_segment_are_reported_as_corruption()
    {
        await WriteGoodRecordsAsync(6, segmentBytes: 300);
        File.Delete(dir.Segments()[0]);   // records 0 and 1 gone, none acknowledged

        var open = () => dir.Open(segmentBytes: 300);

        open.ShouldThrow<AuditOutboxException>().Failure.ShouldBe(AuditOutboxFailure.Corrupt);
    }

    [Fact]
    public async Task No_failure_message_or_log_line_carries_a_payload()
    {
        const string canary = "canary-5f1c0e7d";
        var payload = System.Text.Encoding.ASCII.GetBytes($"{{\"event\":\"{canary}\"}}");
        await using (var outbox = dir.Open(segmentBytes: 64, maxBytes: 100))
        {
            await outbox.AppendAsync(payload, Ct);
            var full = await Should.ThrowAsync<AuditOutboxException>(async () => await outbox.AppendAsync(new byte[100], Ct));
            full.ToString().ShouldNotContain(canary);
        }
        var segment = dir.Segments()[^1];
        var frame = new byte[OutboxFraming.FramedLength(payload.Length)];
        OutboxFraming.Write(payload, frame);
        await using (var file = new FileStream(segment, FileMode.Append))
            await file.WriteAsync(frame.AsMemory(0, 20), Ct);   // a torn copy of the canary record
        await using (dir.Open(segmentBytes: 64, maxBytes: 100))
        {
        }
        var bytes = await File.ReadAllBytesAsync(segment, Ct);
        bytes[10] ^= 0x01;
        await File.WriteAllBytesAsync(segment, [.. bytes, .. bytes], Ct);   // a damaged record with more after it

        var corrupt = Should.Throw<AuditOutboxException>(() => dir.Open(segmentBytes: 64, maxBytes: 100));

        corrupt.Failure.ShouldBe(AuditOutboxFailure.Corrupt);
        corrupt.ToString().ShouldNotContain(canary);
        dir.Logs.Text.ShouldNotContain(canary);
        dir.Logs.Entries.ShouldNotBeEmpty();
    }

    private static MeterListener Listen(string instrument, List<long> into)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == Secrets.Shared.Kernel.Telemetry.Name && i.Name == instrument)
                    l.EnableMeasurementEvents(i);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (into)
                into.Add(value);
        });
        listener.Start();
        return listener;
    }
}
