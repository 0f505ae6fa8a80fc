using System.Buffers.Text;
using System.Text.Json.Nodes;
using Secrets.Audit.Integrity;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>Signed checkpoints: where the rule puts them and what they sign (docs/AUDIT.md#checkpoints).</summary>
public sealed class AuditCheckpointsTests
{
    [Fact]
    public void A_checkpoint_follows_every_nth_event_covering_the_events_since_the_last_and_signing_the_head()
    {
        using var stream = new AuditStream(every: 5).Events(10);

        stream.Lines.Count.ShouldBe(12);   // e1..e5 cp6 e7..e11 cp12
        var cp = JsonNode.Parse(stream.Lines[11])!["data"]!;
        var before = JsonNode.Parse(stream.Lines[10])!["data"]!;
        cp["event_type"]!.GetValue<string>().ShouldBe("AUDIT_CHECKPOINT");
        cp["seq"]!.GetValue<long>().ShouldBe(12);
        cp["first_seq"]!.GetValue<long>().ShouldBe(7);
        cp["last_seq"]!.GetValue<long>().ShouldBe(11);
        cp["head_hash"]!.GetValue<string>().ShouldBe(AuditChain.Hash(System.Text.Encoding.UTF8.GetBytes(stream.Lines[10])));
        cp["prev_hash"]!.GetValue<string>().ShouldBe(cp["head_hash"]!.GetValue<string>());
        before["seq"]!.GetValue<long>().ShouldBe(11);
        cp["kid"]!.GetValue<string>().ShouldBe(stream.Key.Kid);
        cp["every"]!.GetValue<int>().ShouldBe(5);
        cp["seconds"]!.GetValue<int>().ShouldBe(60);

        var signed = new CheckpointStatement("node-a.0001", "t1", 7, 11, cp["head_hash"]!.GetValue<string>(), cp["time"]!.GetValue<string>(), 5, 60, stream.Key.Kid);
        AuditSigningKey.Verify(stream.Key.X, signed.SignedBytes(), Base64Url.DecodeFromChars(cp["sig"]!.GetValue<string>())).ShouldBeTrue();
        System.Text.Encoding.UTF8.GetString(signed.SignedBytes())
            .ShouldBe($"secrets-platform/audit-checkpoint/v1\nnode-a.0001\nt1\n7\n11\n{cp["head_hash"]}\n{cp["time"]}\n5\n60\n{stream.Key.Kid}");
    }

    [Fact]
    public void The_timer_checkpoint_covers_uncovered_events_only_and_writes_nothing_when_there_are_none()
    {
        using var stream = new AuditStream(every: 100).Events(3);

        stream.Checkpoints.CheckpointPending().ShouldNotBeNull();
        stream.Checkpoints.CheckpointPending().ShouldBeNull();
        stream.Events(1).Pending();

        var last = JsonNode.Parse(stream.Lines[^1])!["data"]!;
        last["first_seq"]!.GetValue<long>().ShouldBe(5);
        last["last_seq"]!.GetValue<long>().ShouldBe(5);
    }
}
