using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Audit.Integrity;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>The hash chain: seq, prev_hash and the hash of each line, as docs/AUDIT.md#tamper-evidence defines them.</summary>
public sealed class AuditChainTests
{
    private static ChainedEvent Append(AuditChain chain, string correlationId) =>
        chain.Append(new AuditCloudEvent("SECRET_READ", At, null), correlationId, static (json, _, id) => json.WriteString("correlation_id", id));

    private static readonly DateTimeOffset At = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_first_event_links_to_the_genesis_value_and_each_next_to_the_hash_of_the_line_before()
    {
        using var chain = new AuditChain("node-a.0001");

        var first = Append(chain, "c-1");
        var second = Append(chain, "c-2");

        var genesis = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes("secrets-platform/audit-chain/v1/node-a.0001")));
        first.Seq.ShouldBe(1);
        first.PrevHash.ShouldBe(genesis);
        Encoding.UTF8.GetString(first.Line).ShouldBe(
            """{"specversion":"1.0","id":"node-a.0001:1","source":"urn:secrets-platform:audit:node:node-a.0001","type":"secrets.audit.SECRET_READ",""" +
            """ "time":"2026-01-01T10:00:00+00:00","datacontenttype":"application/json","dataschema":"urn:secrets-platform:schema:audit-event:v1",""".TrimStart() +
            $$$""" "data":{"node_id":"node-a.0001","seq":1,"prev_hash":"{{{genesis}}}","correlation_id":"c-1"}}""".TrimStart());
        first.Hash.ShouldBe(Base64Url.EncodeToString(SHA256.HashData(first.Line)));
        second.Seq.ShouldBe(2);
        second.PrevHash.ShouldBe(first.Hash);
        JsonDocument.Parse(second.Line).RootElement.GetProperty("data").GetProperty("prev_hash").GetString().ShouldBe(first.Hash);
        JsonDocument.Parse(second.Line).RootElement.GetProperty("id").GetString().ShouldBe("node-a.0001:2");
        chain.LastSeq.ShouldBe(2);
    }

    [Fact]
    public void Chains_of_different_nodes_start_from_different_genesis_values() =>
        AuditChain.Genesis("node-a.0001").ShouldNotBe(AuditChain.Genesis("node-b.0001"));

    [Theory]
    [InlineData("")]
    [InlineData("node a")]
    [InlineData("node\n1")]
    public void A_node_id_outside_the_grammar_is_refused(string nodeId) =>
        Should.Throw<ArgumentException>(() => new AuditChain(nodeId));

    [Fact]
    public async Task Concurrent_appends_and_checkpoints_form_one_verifiable_chain()
    {
        // seq, prev_hash and the line are made under one lock: however the threads interleave, the events
        // sorted by seq are an intact chain with checkpoints where the rule puts them
        using var stream = new AuditStream(every: 50);
        var written = new ConcurrentBag<ChainedEvent>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                var appended = stream.Checkpoints.Append(new AuditCloudEvent("SECRET_READ", At, "ref"), t, static (json, _, thread) => json.WriteNumber("thread", thread));
                written.Add(appended.Event);
                if (appended.Checkpoint is { } checkpoint)
                    written.Add(checkpoint);
                if (i % 100 == 0 && stream.Checkpoints.CheckpointPending() is { } pending)
                    written.Add(pending);
            }
        })));
        if (stream.Checkpoints.CheckpointPending() is { } last)
            written.Add(last);

        var lines = written.OrderBy(e => e.Seq).Select(e => Encoding.UTF8.GetString(e.Line)).ToList();
        lines.Count.ShouldBe((int)stream.Checkpoints.Chain.LastSeq);
        var result = await AuditStream.VerifyAsync(lines, stream.Keys, every: 50);
        result.Problems.ShouldBeEmpty();
        result.Events.ShouldBe(lines.Count);
        result.Checkpoints.ShouldBeGreaterThanOrEqualTo(2000 / 50);
    }
}
