using System.Net;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;
using static Secrets.Rotation.Tests.Features.ApproveDestroy.GatedDestroyHost;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary>
/// With scopes enforced, approving needs <c>secrets.destroy</c> like the destroy itself: without it the answer is 403
/// <c>INSUFFICIENT_SCOPE</c> before any approval is looked up, so a known and an unknown id are answered alike.
/// </summary>
public sealed class ApproverScopeTests : IDisposable
{
    private readonly GatedDestroyHost host = new(new FakeTimeProvider(DateTimeOffset.UtcNow), ("SECRETS_ENFORCE_SCOPES", "true"));

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task An_approver_without_secrets_destroy_is_403_INSUFFICIENT_SCOPE_for_known_and_unknown_ids_alike()
    {
        var path = $"openbao+kv2://secret/scoped/{Guid.NewGuid():N}";
        using var alice = host.As(Alice);
        await alice.WriteAsync(path, new { k = "v1" });
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();
        using var unscoped = host.ClientWith(host.Issuer.Token(b =>
        {
            b.Claims["sub"] = Bob;
            b.Claims["scope"] = string.Join(' ', Secrets.Testing.Auth.AuthenticatedHost.AllScopes.Where(s => s != "secrets.destroy"));
        }));

        var known = await unscoped.ApproveAsync(id);
        var unknown = await unscoped.ApproveAsync("AAAAAAAAAAAAAAAAAAAAAA");

        await known.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        await unknown.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        (await alice.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");
        using var bob = host.As(Bob);
        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);   // still pending
    }
}
