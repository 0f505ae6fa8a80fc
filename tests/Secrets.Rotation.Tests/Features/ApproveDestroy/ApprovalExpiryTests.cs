using System.Net;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;
using static Secrets.Rotation.Tests.Features.ApproveDestroy.GatedDestroyHost;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary>
/// An approval expires <c>APPROVAL_TTL_S</c> after its request (docs/API.md#gated-destroy): it can no longer be approved
/// (409 <c>APPROVAL_EXPIRED</c>, nothing destroyed), and its expiry is audited once — by the node's sweeper, or by the
/// first approve call that finds it expired. Each test has a host of its own, since it moves the host's clock.
/// </summary>
public sealed class ApprovalExpiryTests : IDisposable
{
    private readonly GatedDestroyHost host = new(new FakeTimeProvider(DateTimeOffset.UtcNow));
    private readonly string path = $"openbao+kv2://secret/expiry/{Guid.NewGuid():N}";

    public void Dispose() => host.Dispose();

    private async Task<string> RequestAsync()
    {
        using var alice = host.As(Alice);
        await alice.WriteAsync(path, new { k = "v1" });
        await alice.WriteAsync(path, new { k = "v2" });
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();
        return id;
    }

    private static int Expiries(IReadOnlyList<System.Text.Json.Nodes.JsonNode> trail) =>
        trail.Count(e => e.Str("event_type") == "SECRET_DESTROY_APPROVAL_EXPIRED");

    [Fact]
    public async Task An_approval_is_approvable_until_its_expiry_and_not_after()
    {
        var id = await RequestAsync();
        using var bob = host.As(Bob);
        using var alice = host.As(Alice);

        host.Time.Advance(TimeSpan.FromSeconds(TtlSeconds));
        var late = await bob.ApproveAsync(id);

        await late.ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_EXPIRED");
        (await alice.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");
        (await alice.DestroyedFlagsAsync(path)).ShouldBe(new Dictionary<int, bool> { [1] = false, [2] = false });
        await (await bob.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_EXPIRED");
        var trail = await host.AuditOfApprovalUntilAsync(id, t => Expiries(t) > 0);
        await Task.Delay(200);   // a second expiry record, had one been written, has had time to show
        trail = await host.AuditOfApprovalAsync(id);
        Expiries(trail).ShouldBe(1, string.Join('\n', trail.Select(e => e.ToJsonString())));
        trail.ShouldNotContain(e => e.Str("event_type") == "SECRET_DESTROYED");
        var refusals = trail.Where(e => e.Str("event_type") == "SECRET_DESTROY_APPROVED").ToList();
        refusals.Count.ShouldBe(2);
        refusals.ShouldAllBe(e => e.Str("error_code") == "APPROVAL_EXPIRED" && e.Str("effect") == "failure" && e.Str("subject") == Bob);
    }

    [Fact]
    public async Task One_second_before_its_expiry_an_approval_still_destroys()
    {
        var id = await RequestAsync();
        using var bob = host.As(Bob);
        using var alice = host.As(Alice);

        host.Time.Advance(TimeSpan.FromSeconds(TtlSeconds - 1));

        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await alice.ReadVersionAsync(path + "#k", 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DESTROYED");
    }

    [Fact]
    public async Task The_sweeper_audits_an_expiry_nobody_tried_to_approve_once_for_the_requester()
    {
        var id = await RequestAsync();

        host.Time.Advance(TimeSpan.FromSeconds(TtlSeconds + 1));
        var trail = await host.AuditOfApprovalUntilAsync(id, t => Expiries(t) > 0);

        var expiry = trail.Single(e => e.Str("event_type") == "SECRET_DESTROY_APPROVAL_EXPIRED");
        var text = expiry.ToJsonString();
        (expiry.Str("subject"), expiry.Str("purpose"), expiry.Str("effect"), expiry.Str("resource_ref"), expiry.Str("uri")).ShouldBe(
            (Alice, "destroy_versions", "success", Api.ResourceRef(path), path), text);
        expiry["error_code"].ShouldBeNull(text);
        expiry.Str("correlation_id").ShouldBe(trail[0].Str("correlation_id"), text);   // the request's
        using var bob = host.As(Bob);
        await (await bob.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_EXPIRED");
        host.Time.Advance(TimeSpan.FromSeconds(TtlSeconds));   // another sweep
        await Task.Delay(200);
        Expiries(await host.AuditOfApprovalAsync(id)).ShouldBe(1);
    }
}
