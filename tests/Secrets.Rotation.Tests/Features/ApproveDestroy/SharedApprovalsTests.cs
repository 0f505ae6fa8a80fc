using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;
using static Secrets.Rotation.Tests.Features.ApproveDestroy.GatedDestroyHost;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary>
/// Two nodes sharing one Redis (<c>REDIS_URL</c>) and one KVv2 server (node A's embedded one): an approval requested on
/// one node is approved on the other, once, and a node that did not request it still audits its expiry when an approve
/// call finds it expired.
/// </summary>
public sealed class SharedApprovalsTests : IClassFixture<RedisServer>, IDisposable
{
    private readonly GatedDestroyHost a;
    private readonly GatedDestroyHost b;
    private readonly RedisServer redis;
    private readonly string path = $"openbao+kv2://secret/shared/{Guid.NewGuid():N}";

    public SharedApprovalsTests(RedisServer redis)
    {
        this.redis = redis;
        var kv2 = "http://127.0.0.1:" + LoopbackPorts.Unused().ToString(CultureInfo.InvariantCulture);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        a = new GatedDestroyHost(time, ("REDIS_URL", redis.ConnectionString), ("VAULT_DEV_ADDR", kv2));
        b = new GatedDestroyHost(time, a.Issuer, ("REDIS_URL", redis.ConnectionString), ("OPENBAO_URL", kv2), ("OPENBAO_TOKEN", "root"));
    }

    public void Dispose()
    {
        b.Dispose();
        a.Dispose();
    }

    private async Task<string> RequestOnAAsync()
    {
        using var alice = a.As(Alice);
        await alice.WriteAsync(path, new { k = "v1" });
        await alice.WriteAsync(path, new { k = "v2" });
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();
        return id;
    }

    [Fact]
    public async Task Requested_on_one_node_approved_on_the_other_destroys_once()
    {
        var id = await RequestOnAAsync();
        using var bobOnB = b.As(Bob);
        using var carolOnA = a.As("carol");
        using var aliceOnB = b.As(Alice);

        (await aliceOnB.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");   // B sees A's data: one KVv2 server
        await (await aliceOnB.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "APPROVAL_SELF_DENIED");
        (await bobOnB.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await carolOnA.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_ALREADY_USED");

        await (await aliceOnB.ReadVersionAsync(path + "#k", 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DESTROYED");
        (await a.AuditOfApprovalAsync(id)).Select(e => e.Str("event_type")).ShouldBe(["SECRET_DESTROY_REQUESTED", "SECRET_DESTROY_APPROVED"]);
        var onB = (await b.AuditOfApprovalAsync(id)).Select(e => (e.Str("event_type"), e.Str("effect"), e.Str("subject"))).ToList();
        onB.ShouldBe([("SECRET_DESTROY_APPROVED", "deny", Alice), ("SECRET_DESTROY_APPROVED", "success", Bob), ("SECRET_DESTROYED", "success", Bob)]);
    }

    [Fact]
    public async Task A_node_of_another_tenant_on_the_same_Redis_does_not_find_the_approval()
    {
        var id = await RequestOnAAsync();
        using var other = new GatedDestroyHost(a.Time, a.Issuer, ("REDIS_URL", redis.ConnectionString), ("TENANT_ID", "t2"));
        using var bobOfT2 = other.As(Bob);

        await (await bobOfT2.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "APPROVAL_NOT_FOUND");

        using var bobOnB = b.As(Bob);
        (await bobOnB.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);   // still pending for its own tenant
    }

    [Fact]
    public async Task An_expiry_found_by_the_other_node_is_audited_once_across_both()
    {
        var id = await RequestOnAAsync();
        using var bobOnB = b.As(Bob);

        a.Time.Advance(TimeSpan.FromSeconds(TtlSeconds + 1));   // one clock for both nodes
        await (await bobOnB.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_EXPIRED");
        await Task.Delay(300);   // A's sweeper has had its tick

        var expiries = (await a.AuditOfApprovalAsync(id)).Concat(await b.AuditOfApprovalAsync(id))
            .Count(e => e.Str("event_type") == "SECRET_DESTROY_APPROVAL_EXPIRED");
        expiries.ShouldBe(1);
        using var alice = a.As(Alice);
        (await alice.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");
    }
}
