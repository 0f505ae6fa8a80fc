using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;
using static Secrets.Rotation.Tests.Features.ApproveDestroy.GatedDestroyHost;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary>One host with approvals required, shared by the tests of this class (none moves its clock).</summary>
public sealed class GatedDestroyFixture : IDisposable
{
    internal GatedDestroyHost Host { get; } = new(new FakeTimeProvider(DateTimeOffset.UtcNow));

    public void Dispose() => Host.Dispose();
}

/// <summary>
/// Gated destroy (docs/API.md#gated-destroy) on KVv2: destroy-versions, DELETE destroy=true and bulk destroy wait for a
/// second subject's approval; the requester cannot approve, a subject the policy refuses destroy_versions cannot, an
/// approval serves once; the audit trail runs request → approval → destroy under one approval id, with no value.
/// </summary>
public sealed class GatedDestroyTests(GatedDestroyFixture fixture) : IClassFixture<GatedDestroyFixture>
{
    private readonly GatedDestroyHost host = fixture.Host;
    private readonly string run = Guid.NewGuid().ToString("N")[..10];

    private string NewPath(string name) => $"openbao+kv2://secret/gated/{run}/{name}";

    /// <summary>A path with two versions of key k: v1 and v2, written by alice.</summary>
    private async Task<string> TwoVersionsAsync(string name, string first = "v1", string second = "v2")
    {
        var path = NewPath(name);
        using var alice = host.As(Alice);
        await alice.WriteAsync(path, new { k = first });
        await alice.WriteAsync(path, new { k = second });
        return path;
    }

    [Fact]
    public async Task Destroy_versions_is_202_with_an_approval_and_destroys_only_once_a_different_subject_approves()
    {
        var path = await TwoVersionsAsync("versions");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);

        var (id, expiresAt) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();

        expiresAt.ShouldBe(host.Time.GetUtcNow().AddSeconds(TtlSeconds));
        (await alice.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");
        (await alice.DestroyedFlagsAsync(path)).ShouldBe(new Dictionary<int, bool> { [1] = false, [2] = false });

        var approved = await bob.ApproveAsync(id);

        approved.StatusCode.ShouldBe(HttpStatusCode.NoContent, await approved.Content.ReadAsStringAsync());
        await (await alice.ReadVersionAsync(path + "#k", 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DESTROYED");
        (await alice.ValueOfVersionAsync(path + "#k", 2)).ShouldBe("v2");
        (await alice.DestroyedFlagsAsync(path)).ShouldBe(new Dictionary<int, bool> { [1] = true, [2] = false });
    }

    [Fact]
    public async Task Delete_with_destroy_is_202_and_destroys_every_version_only_once_approved()
    {
        var path = await TwoVersionsAsync("all");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);

        var (id, _) = await (await alice.DestroyAllAsync(path)).ShouldBePendingApprovalAsync();

        (await alice.ValueOfVersionAsync(path + "#k", 2)).ShouldBe("v2");
        (await alice.DestroyedFlagsAsync(path)).ShouldNotBeNull();

        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await alice.DestroyedFlagsAsync(path)).ShouldBeNull();   // metadata and every version gone
        await (await alice.ReadVersionAsync(path + "#k", 2)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
    }

    [Fact]
    public async Task The_requester_cannot_approve_and_the_approval_stays_pending()
    {
        var path = await TwoVersionsAsync("self");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();

        var self = await alice.ApproveAsync(id);

        await self.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "APPROVAL_SELF_DENIED");
        (await alice.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");
        (await host.AuditOfAsync(self)).ShouldHaveSingleItem().ShouldBeFailure("SECRET_DESTROY_APPROVED", "APPROVAL_SELF_DENIED", path, effect: "deny");
        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);   // the refusal did not use it up
        await (await alice.ReadVersionAsync(path + "#k", 1)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DESTROYED");
    }

    [Fact]
    public async Task A_subject_the_policy_refuses_destroy_versions_cannot_approve()
    {
        var path = await TwoVersionsAsync("policy");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);
        using var mallory = host.As(Mallory);
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();

        var refused = await mallory.ApproveAsync(id);

        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        (await alice.ValueOfVersionAsync(path + "#k", 1)).ShouldBe("v1");
        var record = (await host.AuditOfAsync(refused)).ShouldHaveSingleItem();
        record.ShouldBeFailure("AUTHZ_DENIED", "SECRET_AUTHZ_FAILED", path, effect: "deny");
        (record.Str("subject"), record.Str("approval_id"), record.Str("purpose")).ShouldBe((Mallory, id, "destroy_versions"));
        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_subject_the_policy_refuses_destroy_versions_cannot_request_one()
    {
        var path = await TwoVersionsAsync("policy-request");
        using var mallory = host.As(Mallory);

        await (await mallory.DestroyVersionsAsync(path, 1)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        await (await mallory.DestroyAllAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
    }

    [Fact]
    public async Task An_approval_serves_once()
    {
        var path = await TwoVersionsAsync("once");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);
        using var carol = host.As("carol");
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();
        (await bob.ApproveAsync(id)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await carol.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_ALREADY_USED");
        await (await bob.ApproveAsync(id)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_ALREADY_USED");

        (await host.AuditOfApprovalAsync(id)).Count(e => e.Str("event_type") == "SECRET_DESTROYED").ShouldBe(1);
    }

    [Fact]
    public async Task Two_approvals_at_once_destroy_once()
    {
        var path = await TwoVersionsAsync("race");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);
        using var carol = host.As("carol");
        var (id, _) = await (await alice.DestroyVersionsAsync(path, 1)).ShouldBePendingApprovalAsync();

        var answers = await Task.WhenAll(bob.ApproveAsync(id), carol.ApproveAsync(id));

        answers.Select(a => a.StatusCode).Order().ShouldBe([HttpStatusCode.NoContent, HttpStatusCode.Conflict]);
        await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBeProblemAsync(HttpStatusCode.Conflict, "APPROVAL_ALREADY_USED");
        var trail = await host.AuditOfApprovalAsync(id);
        trail.Count(e => e.Str("event_type") == "SECRET_DESTROYED").ShouldBe(1);
        trail.Count(e => e.Str("event_type") == "SECRET_DESTROY_APPROVED" && e.Str("effect") == "success").ShouldBe(1);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]   // the shape of an id, never issued
    [InlineData("not.an.id")]
    public async Task An_unknown_approval_is_404_APPROVAL_NOT_FOUND(string id)
    {
        using var bob = host.As(Bob);

        var response = await bob.ApproveAsync(id);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "APPROVAL_NOT_FOUND");
        (await host.AuditOfAsync(response)).ShouldBeRequestRefusal("SECRET_DESTROY_APPROVED", "APPROVAL_NOT_FOUND");
    }

    [Fact]
    public async Task The_audit_trail_shows_request_then_approval_then_destroy_under_one_approval_id_and_no_value()
    {
        var canary = Canary.New();
        var path = await TwoVersionsAsync("trail", canary, "v2");
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);
        var requested = await alice.DestroyVersionsAsync(path, 1);
        var requestBody = await requested.Content.ReadAsStringAsync();
        var (id, _) = await requested.ShouldBePendingApprovalAsync();

        var approved = await bob.ApproveAsync(id);

        approved.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var trail = await host.AuditOfApprovalAsync(id);
        trail.Select(e => (e.Str("event_type"), e.Str("subject"), e.Str("effect")))
            .ShouldBe([("SECRET_DESTROY_REQUESTED", Alice, "success"), ("SECRET_DESTROY_APPROVED", Bob, "success"), ("SECRET_DESTROYED", Bob, "success")]);
        foreach (var record in trail)
        {
            var text = record.ToJsonString();
            (record.Str("purpose"), record.Str("uri"), record.Str("resource_ref"), record.Str("provider")).ShouldBe(
                ("destroy_versions", path, Api.ResourceRef(path), "openbao"), text);
            record.Str("decision_id")!.ShouldStartWith("dec_", Case.Sensitive, text);
            record["error_code"].ShouldBeNull(text);
            text.ShouldNotContainCanary(canary, "an audit record");
        }
        trail[1].Str("decision_id").ShouldBe(trail[2].Str("decision_id"));   // the approver's one decision, for the approval and its destroy
        trail[0].Str("correlation_id").ShouldBe(AuditProbe.CorrelationId(requested));
        trail[2].Str("correlation_id").ShouldBe(AuditProbe.CorrelationId(approved));
        requestBody.ShouldNotContainCanary(canary, "the 202 body");
        host.Logs.AllText().ShouldNotContainCanary(canary, "the log");
    }

    [Fact]
    public async Task Bulk_destroy_is_a_202_result_with_its_approval_and_destroys_once_approved()
    {
        var (versioned, whole) = (await TwoVersionsAsync("bulk-versions"), await TwoVersionsAsync("bulk-all"));
        using var alice = host.As(Alice);
        using var bob = host.As(Bob);

        var response = await alice.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[] { new { op = "destroy", uri = versioned, versions = new[] { 1 } }, new { op = "destroy", uri = whole } },
            continueOnError = false,
        });

        var body = await response.ShouldBeOkJsonAsync();
        var results = body["results"]!.AsArray().Select(r => r!).ToList();
        results.Select(r => r["status"]!.GetValue<int>()).ShouldBe([202, 202], body.ToJsonString());
        var ids = results.Select(r => r.Str("approval_id")!).ToList();
        ids.ShouldAllBe(i => i.Length >= 22);
        ids.Distinct().Count().ShouldBe(2);
        results.ShouldAllBe(r => r["expires_at"] != null);
        (body["succeeded"]!.GetValue<int>(), body["failed"]!.GetValue<int>()).ShouldBe((2, 0));
        (await alice.ValueOfVersionAsync(versioned + "#k", 1)).ShouldBe("v1");
        (await alice.ValueOfVersionAsync(whole + "#k", 2)).ShouldBe("v2");
        var requests = (await host.AuditOfAsync(response)).OrderBy(e => e["seq"]!.GetValue<long>());
        requests.Select(e => (e.Str("event_type"), e.Str("approval_id"))).ShouldBe([("SECRET_DESTROY_REQUESTED", ids[0]), ("SECRET_DESTROY_REQUESTED", ids[1])]);

        (await bob.ApproveAsync(ids[0])).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await bob.ApproveAsync(ids[1])).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await alice.DestroyedFlagsAsync(versioned)).ShouldBe(new Dictionary<int, bool> { [1] = true, [2] = false });
        (await alice.DestroyedFlagsAsync(whole)).ShouldBeNull();
    }

    [Fact]
    public async Task A_request_the_provider_cannot_serve_makes_no_approval()
    {
        using var alice = host.As(Alice);

        var yaml = await alice.DestroyVersionsAsync("yaml://secret/env", 1);

        await yaml.ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        (await host.AuditOfAsync(yaml)).ShouldHaveSingleItem().Str("approval_id").ShouldNotBeNull();   // named, but nothing pending
        await (await alice.DestroyVersionsAsync(NewPath("x") + "#k", 1)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED");
    }
}
