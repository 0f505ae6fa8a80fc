using System.Text.Json.Nodes;
using Secrets.Audit.Integrity;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>
/// verify-audit's checks on one export: an untouched stream passes; a deleted, reordered or edited event,
/// a cut tail and a forged checkpoint are each reported with their kind and position. In these streams a
/// checkpoint follows every 5th event, so the line number of an event is its seq:
/// e1..e5, cp6, e7..e11, cp12, e13, e14, cp15.
/// </summary>
public sealed class AuditVerifierTests : IDisposable
{
    private readonly AuditStream stream = new AuditStream().Events(12).Pending();

    public void Dispose() => stream.Dispose();

    private Task<AuditVerification> VerifyAsync(IEnumerable<string> lines, DateTimeOffset? at = null) =>
        AuditStream.VerifyAsync(lines, stream.Keys, at: at);

    private static AuditProblem Single(AuditVerification result) => result.Problems.ShouldHaveSingleItem();

    [Fact]
    public async Task An_untouched_stream_is_intact()
    {
        var result = await VerifyAsync(stream.Lines);

        result.Problems.ShouldBeEmpty();
        result.Intact.ShouldBeTrue();
        result.Events.ShouldBe(15);
        result.Checkpoints.ShouldBe(3);
        result.Nodes.ShouldBe(1);
        result.Notes.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_deleted_event_is_a_gap_at_its_seq()
    {
        var lines = stream.Lines.ToList();
        lines.RemoveAt(stream.IndexOfSeq(8));

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Gap);
        problem.Seq.ShouldBe(8);
        problem.Line.ShouldBe(8);   // where seq 9 now stands
        problem.ToString().ShouldStartWith("gap node=node-a.0001 line=8 seq=8: seq 8 is missing before seq 9");
    }

    [Fact]
    public async Task Deleted_events_with_their_checkpoint_are_one_gap_naming_the_range()
    {
        var lines = stream.Lines.ToList();
        lines.RemoveRange(stream.IndexOfSeq(4), 4);   // 4, 5, cp6, 7

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Gap);
        problem.Seq.ShouldBe(4);
        problem.Detail.ShouldContain("seq 4..7 are missing");
    }

    [Fact]
    public async Task A_reordered_event_is_reported_where_the_order_breaks()
    {
        var lines = stream.Lines.ToList();
        (lines[2], lines[3]) = (lines[3], lines[2]);   // seq 4 before seq 3

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Reorder);
        problem.Seq.ShouldBe(3);
        problem.Line.ShouldBe(3);
        problem.Detail.ShouldBe("seq 4 comes before seq 3 (line 4)");
    }

    [Fact]
    public async Task An_event_seen_again_is_a_reorder()
    {
        var lines = stream.Lines.ToList();
        lines.Insert(9, lines[1]);   // seq 2 again, after seq 9

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Reorder);
        problem.Line.ShouldBe(10);
        problem.Seq.ShouldBe(2);
    }

    [Fact]
    public async Task An_edited_event_is_reported_at_its_seq()
    {
        var lines = stream.Lines.ToList();
        lines[3] = AuditStream.Edit(lines[3], "resource_ref", "someone-else");   // seq 4

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Edited);
        problem.Seq.ShouldBe(4);
        problem.Line.ShouldBe(4);
    }

    [Fact]
    public async Task An_edited_first_event_is_caught_by_the_prev_hash_of_the_second()
    {
        var lines = stream.Lines.ToList();
        lines[0] = AuditStream.Edit(lines[0], "effect", "failure");

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Edited);
        problem.Seq.ShouldBe(1);
    }

    [Fact]
    public async Task An_edit_with_a_recomputed_chain_is_caught_by_the_next_checkpoint()
    {
        var lines = stream.Lines.ToList();
        lines[8] = AuditStream.Edit(lines[8], "resource_ref", "someone-else");   // seq 9
        AuditStream.Rechain(lines, 9);   // every prev_hash after it made to fit again

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.Edited);
        problem.Seq.ShouldBe(12);   // the checkpoint whose signed head no longer matches
        problem.Detail.ShouldContain("seq 7..11");
    }

    [Fact]
    public async Task A_tail_cut_after_a_checkpoint_was_due_is_truncated()
    {
        var lines = stream.Lines.Take(11).ToList();   // ends at seq 11: five events after cp6, and cp12 is gone

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.TruncatedTail);
        problem.Seq.ShouldBe(11);
        problem.Line.ShouldBe(11);
        problem.Detail.ShouldContain("5 events after the checkpoint at seq 6");
    }

    [Fact]
    public async Task A_tail_cut_longer_ago_than_the_checkpoint_interval_is_truncated()
    {
        var lines = stream.Lines.Take(13).ToList();   // e13 and no checkpoint after it
        var e13 = DateTimeOffset.Parse(JsonNode.Parse(lines[12])!["data"]!["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        var exportedSoonAfter = await VerifyAsync(lines, at: e13.AddSeconds(30));
        var exportedLater = await VerifyAsync(lines, at: e13.AddSeconds(121));

        exportedSoonAfter.Intact.ShouldBeTrue();   // 1 event, 30 s old: its checkpoint may not be due yet
        exportedSoonAfter.Notes.ShouldHaveSingleItem().ShouldContain("seq 13..13");
        var problem = Single(exportedLater);
        problem.Kind.ShouldBe(AuditProblemKind.TruncatedTail);
        problem.Seq.ShouldBe(13);
        problem.Detail.ShouldContain("every 60 s");
    }

    [Fact]
    public async Task A_tail_cut_on_one_node_shows_against_the_time_another_node_reached()
    {
        using var other = new AuditStream("node-b.0002", time: stream.Time).Events(3).Pending(TimeSpan.FromMinutes(5)).Events(1);
        var cut = stream.Lines.Take(13).ToList();   // node a stops at e13, node b goes on for five minutes

        var result = await AuditStream.VerifyAsync(cut.Concat(other.Lines), new Dictionary<string, string> { [stream.Key.Kid] = stream.Key.X, [other.Key.Kid] = other.Key.X });

        var problem = Single(result);
        problem.Kind.ShouldBe(AuditProblemKind.TruncatedTail);
        problem.NodeId.ShouldBe("node-a.0001");
        problem.Seq.ShouldBe(13);
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_is_forged()
    {
        using var attacker = new AuditStream().Events(12).Pending();   // same node, same events: only the key differs
        var lines = stream.Lines.ToList();
        lines[5] = attacker.Lines[5];

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.ForgedCheckpoint);
        problem.Seq.ShouldBe(6);
        problem.Line.ShouldBe(6);
        problem.Detail.ShouldContain("unknown key");
    }

    [Fact]
    public async Task A_checkpoint_with_an_altered_signature_is_forged()
    {
        var lines = stream.Lines.ToList();
        var sig = JsonNode.Parse(lines[11])!["data"]!["sig"]!.GetValue<string>();
        lines[11] = lines[11].Replace(sig, (sig[0] == 'A' ? "B" : "A") + sig[1..], StringComparison.Ordinal);   // cp12, byte for byte otherwise

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.ForgedCheckpoint);
        problem.Seq.ShouldBe(12);
        problem.Detail.ShouldContain("does not verify");
    }

    [Fact]
    public async Task A_checkpoint_claiming_more_than_it_covers_is_forged_even_when_re_signed()
    {
        // a key holder who rewrites cp12 to claim seq 1..11 still cannot make it fit the chain
        var lines = stream.Lines.ToList();
        var line = JsonNode.Parse(lines[11])!.AsObject();
        var cp = line["data"]!.AsObject();
        var statement = new CheckpointStatement(cp["node_id"]!.GetValue<string>(), "t1", 1, 11, cp["head_hash"]!.GetValue<string>(),
            cp["time"]!.GetValue<string>(), 5, 60, stream.Key.Kid);
        cp["first_seq"] = 1;
        cp["sig"] = System.Buffers.Text.Base64Url.EncodeToString(stream.Key.Sign(statement.SignedBytes()));
        lines[11] = line.ToJsonString();

        var problem = Single(await VerifyAsync(lines));

        problem.Kind.ShouldBe(AuditProblemKind.ForgedCheckpoint);
        problem.Seq.ShouldBe(12);
        problem.Detail.ShouldContain("claims seq 1..11 but covers seq 7..11");
    }

    [Fact]
    public async Task A_line_that_is_not_json_is_malformed()
    {
        var lines = stream.Lines.ToList();
        lines.Insert(4, "{\"node_id\":");

        var result = await VerifyAsync(lines);

        var problem = result.Problems[0];
        problem.Kind.ShouldBe(AuditProblemKind.Malformed);
        problem.Line.ShouldBe(5);
    }

    [Fact]
    public async Task Interleaved_nodes_are_verified_each_on_its_own_and_report_only_their_own_problem()
    {
        using var other = new AuditStream("node-b.0002", time: stream.Time).Events(7).Pending();
        var a = stream.Lines.ToList();
        var b = other.Lines.ToList();
        var merged = a.Select((l, i) => (l, i * 2)).Concat(b.Select((l, i) => (l, i * 2 + 1))).OrderBy(x => x.Item2).Select(x => x.l).ToList();

        (await AuditStream.VerifyAsync(merged, new Dictionary<string, string> { [stream.Key.Kid] = stream.Key.X, [other.Key.Kid] = other.Key.X }))
            .Intact.ShouldBeTrue();

        merged.Remove(b[2]);   // node b's seq 3
        var result = await AuditStream.VerifyAsync(merged, new Dictionary<string, string> { [stream.Key.Kid] = stream.Key.X, [other.Key.Kid] = other.Key.X });
        var problem = Single(result);
        problem.NodeId.ShouldBe("node-b.0002");
        problem.Kind.ShouldBe(AuditProblemKind.Gap);
        problem.Seq.ShouldBe(3);
    }

    [Fact]
    public async Task Crlf_line_ends_and_a_missing_final_newline_verify_the_same()
    {
        var export = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n", stream.Lines)));

        var result = await AuditVerifier.VerifyAsync(export, stream.Keys, 5, 60, null, CancellationToken.None);

        result.Intact.ShouldBeTrue();
        result.Events.ShouldBe(15);
    }
}
