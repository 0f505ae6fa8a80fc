using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Host.Tests;

public sealed class ApiDocumentTests(DefaultSecretsHost host) : IClassFixture<DefaultSecretsHost>
{
    [Theory]
    [InlineData("/api/secrets", "post")]
    [InlineData("/api/secrets", "get")]
    [InlineData("/api/secrets", "delete")]
    [InlineData("/api/secrets/value", "get")]
    [InlineData("/api/secrets/rotate", "post")]
    [InlineData("/api/secrets/metadata", "get")]
    [InlineData("/api/secrets/keys", "get")]
    [InlineData("/api/secrets/metadata/detail", "get")]
    [InlineData("/api/secrets/versions", "get")]
    [InlineData("/api/secrets/undelete", "post")]
    [InlineData("/api/secrets/destroy-versions", "post")]
    [InlineData("/api/secrets/metadata/owner", "post")]
    [InlineData("/api/secrets/bulk", "post")]
    [InlineData("/api/secrets/copy", "post")]
    [InlineData("/api/secrets/move", "post")]
    [InlineData("/api/secrets/search", "get")]
    [InlineData("/api/secrets/events", "get")]
    [InlineData("/api/secrets/audit", "get")]
    [InlineData("/api/secrets/rollback", "post")]
    [InlineData("/api/secrets/approvals/{id}/approve", "post")]
    [InlineData("/api/secrets/rotation/schedules", "get")]
    [InlineData("/api/secrets/admin/backup", "post")]
    [InlineData("/api/secrets/admin/restore", "post")]
    public async Task The_openapi_document_describes_every_endpoint_of_the_spec(string path, string method)
    {
        var client = host.CreateClient();
        var doc = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!;
        doc["paths"]![path]?[method].ShouldNotBeNull($"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
    }

    [Fact]
    public async Task The_interactive_reference_page_is_served_anonymously()
    {
        var response = await host.CreateClient().GetAsync("/docs");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("<html", Case.Insensitive);
    }
}
