using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Outbox;
using Secrets.Testing;

namespace Secrets.Audit.Tests.Outbox;

/// <summary>The audit outbox in <c>/health/ready</c>: healthy, degraded from 80 % of its maximum, unhealthy when full or unopenable.</summary>
public sealed class AuditOutboxHealthCheckTests : IDisposable
{
    private readonly TempOutbox dir = new();

    public void Dispose() => dir.Dispose();

    private SecretsHostFactory Host(string path) => new(new Dictionary<string, string?>
    {
        ["AUDIT_OUTBOX_PATH"] = path,
        ["AUDIT_OUTBOX_SEGMENT_BYTES"] = "1048576",
        ["AUDIT_OUTBOX_MAX_BYTES"] = "1048576",
    });

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_follows_the_outbox_from_healthy_to_degraded_to_unhealthy()
    {
        using var host = Host(dir.OutboxPath);
        var client = host.CreateClient();
        var outbox = host.Services.GetRequiredService<AuditOutbox>();

        (await ReadyAsync(client)).ShouldBe((HttpStatusCode.OK, "Healthy"));

        await outbox.AppendAsync(new byte[900_000], CancellationToken.None);
        (await ReadyAsync(client)).ShouldBe((HttpStatusCode.OK, "Degraded"));

        await Should.ThrowAsync<AuditOutboxException>(async () => await outbox.AppendAsync(new byte[200_000], CancellationToken.None));
        (await ReadyAsync(client)).ShouldBe((HttpStatusCode.ServiceUnavailable, "Unhealthy"));
    }

    [Fact]
    public async Task An_outbox_that_cannot_be_opened_is_unhealthy()
    {
        var file = Path.Combine(dir.Root, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        using var host = Host(Path.Combine(file, "outbox"));

        (await ReadyAsync(host.CreateClient())).ShouldBe((HttpStatusCode.ServiceUnavailable, "Unhealthy"));
    }
}
