using System.Net;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.Server;
using static Secrets.Rotation.Tests.Features.ApproveDestroy.GatedDestroyHost;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary>
/// A provider that fails the destroy after the approval was claimed (5xx): the approver gets the provider's problem and
/// the approval goes back to pending, so it can be approved again (docs/API.md#gated-destroy). The KVv2 provider is a
/// scripted server; the PDP is off, so the provider sees only the destroy.
/// </summary>
public sealed class ApprovalProviderFailureTests : IDisposable
{
    private const string Path = "openbao+kv2://secret/failing/app";
    private readonly WireMockServer server = ScriptedHttp.Start();
    private readonly GatedDestroyHost host;

    public ApprovalProviderFailureTests()
    {
        server.Given(Request.Create().WithPath("/v1/auth/token/lookup-self").UsingGet()).AtPriority(1)
            .RespondWith(Json(200, """{"data":{"ttl":0,"renewable":false}}"""));
        server.Given(Request.Create().WithPath("/v1/secret/metadata/failing/app").UsingGet()).AtPriority(1)
            .RespondWith(Json(200, """
                {"data":{"current_version":2,"oldest_version":1,"created_time":"2026-01-01T00:00:00Z","updated_time":"2026-01-01T00:00:00Z",
                 "custom_metadata":null,"versions":{"1":{"created_time":"2026-01-01T00:00:00Z","deletion_time":"","destroyed":false},
                 "2":{"created_time":"2026-01-01T00:00:00Z","deletion_time":"","destroyed":false}}}}
                """));
        server.Given(Request.Create().WithPath("/v1/secret/destroy/failing/app").UsingPost()).AtPriority(50)
            .RespondWith(Json(500, """{"errors":["internal error"]}"""));
        host = new GatedDestroyHost(new FakeTimeProvider(DateTimeOffset.UtcNow),
            ("OPENBAO_URL", server.Url), ("OPENBAO_TOKEN", "s.test-token"), ("ENABLE_AUTHORIZATION", "false"));
    }

    public void Dispose()
    {
        host.Dispose();
        server.Stop();
        server.Dispose();
    }

    private int Destroys() => server.LogEntries.Count(e => e.RequestMessage.Path == "/v1/secret/destroy/failing/app");

    [Fact]
    public async Task A_destroy_the_provider_fails_leaves_the_approval_pending_for_another_approval()
    {
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);
        var (id, _) = await (await alice.DestroyVersionsAsync(Path, 1)).ShouldBePendingApprovalAsync();
        Destroys().ShouldBe(0);

        await (await bob.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.BadGateway, "PROVIDER_ERROR");
        Destroys().ShouldBe(1);

        server.Given(Request.Create().WithPath("/v1/secret/destroy/failing/app").UsingPost()).AtPriority(10)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(204));
        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        Destroys().ShouldBe(2);
        await (await bob.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_ALREADY_USED");
        Destroys().ShouldBe(2);

        var trail = (await host.AuditOfApprovalAsync(id)).Select(e => (e.Str("event_type"), e.Str("effect"), e.Str("error_code"))).ToList();
        trail.ShouldBe([
            ("SECRET_DESTROY_REQUESTED", "success", null),
            ("SECRET_DESTROY_APPROVED", "success", null), ("SECRET_DESTROYED", "failure", "PROVIDER_ERROR"),
            ("SECRET_DESTROY_APPROVED", "success", null), ("SECRET_DESTROYED", "success", null),
            ("SECRET_DESTROY_APPROVED", "failure", "APPROVAL_ALREADY_USED"),
        ]);
    }
}
