using System.Net;
using Secrets.Providers.Tests.Features;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Yaml;

/// <summary>metadata/detail, versions, undelete, destroy-versions and metadata/owner are KVv2 operations: 501 for YAML.</summary>
public sealed class Kv2OnlyEndpointsTests : HostedSliceTest
{
    [Theory]
    [InlineData("/api/secrets/metadata/detail")]
    [InlineData("/api/secrets/versions")]
    public async Task Metadata_reads_are_501_for_yaml(string path) =>
        await (await Client.GetAsync($"{path}?uri={Q("yaml://secret/env")}")).ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");

    [Theory]
    [InlineData("/api/secrets/undelete")]
    [InlineData("/api/secrets/destroy-versions")]
    public async Task Version_changes_are_501_for_yaml_and_validate_their_body_first(string path)
    {
        await (await Client.PostJsonAsync(path, new { uri = "yaml://secret/env", versions = new[] { 1 } }))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        await (await Client.PostJsonAsync(path, new { uri = "yaml://secret/env", versions = Array.Empty<int>() }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await Client.PostJsonAsync(path, new { uri = "yaml://secret/env", versions = new[] { 0 } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await Client.PostJsonAsync(path, new { uri = "yaml://secret/env#MY_API_KEY", versions = new[] { 1 } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED");
        await (await Client.PostJsonAsync(path, new { uri = "yaml://secret/env", versions = Enumerable.Range(1, 101).ToArray() }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Set_owner_is_501_for_yaml_and_needs_an_owner()
    {
        await (await Client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = "yaml://secret/env", owner = "alice" }))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        await (await Client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = "yaml://secret/env", owner = "" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Tenant_guard_wins_over_501()
    {
        await (await Client.GetAsync($"/api/secrets/versions?uri={Q("yaml://forbidden/env")}"))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");
    }
}
