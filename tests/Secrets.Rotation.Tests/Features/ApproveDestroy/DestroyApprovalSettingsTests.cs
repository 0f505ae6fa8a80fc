using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Rotation.Contracts;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary><c>DESTROY_REQUIRES_APPROVAL</c> (on in prod, off in dev and test) and <c>APPROVAL_TTL_S</c> (60 to 604800).</summary>
public sealed class DestroyApprovalSettingsTests
{
    [Theory]
    [InlineData("dev", false)]
    [InlineData("test", false)]
    [InlineData("prod", true)]
    public void Approval_is_required_by_default_in_prod_only(string environment, bool required)
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["ENVIRONMENT"] = environment });

        host.Services.GetRequiredService<IDestroyApprovals>().Required.ShouldBe(required);
    }

    [Theory]
    [InlineData("prod", "false", false)]
    [InlineData("dev", "true", true)]
    public void The_setting_overrides_the_profile(string environment, string setting, bool required)
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["ENVIRONMENT"] = environment, ["DESTROY_REQUIRES_APPROVAL"] = setting });

        host.Services.GetRequiredService<IDestroyApprovals>().Required.ShouldBe(required);
    }

    [Theory]
    [InlineData("APPROVAL_TTL_S", "59")]
    [InlineData("APPROVAL_TTL_S", "604801")]
    [InlineData("APPROVAL_TTL_S", "soon")]
    [InlineData("DESTROY_REQUIRES_APPROVAL", "maybe")]
    public void An_invalid_setting_stops_the_start_naming_it(string name, string value)
    {
        using var invalid = new SecretsHostFactory(new Dictionary<string, string?> { [name] = value });

        Should.Throw<Exception>(() => invalid.CreateClient()).ToString().ShouldContain(name);
    }

    [Fact]
    public async Task Without_approvals_destroy_versions_and_delete_with_destroy_destroy_at_once()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["DESTROY_REQUIRES_APPROVAL"] = "false" });
        using var client = host.CreateClient();
        var (versions, whole) = ($"openbao+kv2://secret/ungated/{Guid.NewGuid():N}", $"openbao+kv2://secret/ungated/{Guid.NewGuid():N}");
        foreach (var path in new[] { versions, whole })
        {
            await client.WriteAsync(path, new { k = "v1" });
            await client.WriteAsync(path, new { k = "v2" });
        }

        (await client.DestroyVersionsAsync(versions, 1)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.DestroyAllAsync(whole)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await client.DestroyedFlagsAsync(versions)).ShouldBe(new Dictionary<int, bool> { [1] = true, [2] = false });
        (await client.DestroyedFlagsAsync(whole)).ShouldBeNull();
        var trail = await AuditProbe.EventsAsync(client, "event_type=SECRET_DESTROYED");
        trail.Count.ShouldBe(2);
        trail.ShouldAllBe(e => e["approval_id"] == null);
        (await AuditProbe.EventsAsync(client)).ShouldNotContain(e => e.Str("event_type") == "SECRET_DESTROY_REQUESTED");
        await (await client.PostAsync($"/api/secrets/approvals/{Q("AAAAAAAAAAAAAAAAAAAAAA")}/approve", null))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "APPROVAL_NOT_FOUND");
    }
}
