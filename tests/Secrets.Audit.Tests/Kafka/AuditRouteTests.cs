using System.Text;
using Secrets.Audit.Kafka;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>Which Kafka key and topics an audit event (a CloudEvent, docs/audit-events.md) gets (docs/AUDIT.md#kafka).</summary>
public sealed class AuditRouteTests
{
    [Theory]
    [InlineData("""{"specversion":"1.0","id":"n:1","subject":"r1","data":{"seq":1,"event_type":"SECRET_WRITTEN","effect":"success","resource_ref":"r1"}}""", "r1", true)]
    [InlineData("""{"specversion":"1.0","subject":"r2","data":{"event_type":"SECRET_ROTATED","effect":"success","resource_ref":"r2","related_decision_ids":["a"]}}""", "r2", true)]
    [InlineData("""{"specversion":"1.0","subject":"r1","data":{"event_type":"SECRET_WRITTEN","effect":"failure","resource_ref":"r1"}}""", "r1", false)]
    [InlineData("""{"specversion":"1.0","subject":"r1","data":{"event_type":"SECRET_READ","effect":"success","resource_ref":"r1"}}""", "r1", false)]
    [InlineData("""{"specversion":"1.0","data":{"event_type":"AUTHZ_DENIED","effect":"deny","resource_ref":null}}""", null, false)]
    [InlineData("""{"specversion":"1.0","data":{"event_type":"AUDIT_CHECKPOINT","tenant":"t1","sig":"x"}}""", null, false)]
    [InlineData("""{"data":{"nested":{"subject":"inner","event_type":"SECRET_WRITTEN","effect":"success"},"event_type":"SECRET_READ"}}""", null, false)]
    [InlineData("""{"event_type":"SECRET_WRITTEN","effect":"success","subject":"r3"}""", "r3", false)]   // type and effect live in data
    [InlineData("""not json""", null, false)]
    [InlineData("""[1,2]""", null, false)]
    public void The_key_is_the_resource_ref_and_a_successful_change_also_goes_to_the_secrets_topic(string json, string? key, bool change)
    {
        AuditRoute.Of(Encoding.UTF8.GetBytes(json)).ShouldBe(new AuditRoute(key, change));
    }
}
