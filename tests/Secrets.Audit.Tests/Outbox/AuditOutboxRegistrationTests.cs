using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Outbox;
using Secrets.Testing;

namespace Secrets.Audit.Tests.Outbox;

/// <summary>The host holds an outbox only when <c>AUDIT_OUTBOX_PATH</c> names one; nothing on the request path uses it yet.</summary>
public sealed class AuditOutboxRegistrationTests : IDisposable
{
    private readonly TempOutbox dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task With_AUDIT_OUTBOX_PATH_the_host_opens_the_outbox_there()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["AUDIT_OUTBOX_PATH"] = dir.OutboxPath, ["AUDIT_OUTBOX_SEGMENT_BYTES"] = "1048576" });

        var outbox = host.Services.GetRequiredService<AuditOutbox>();
        (await outbox.AppendAsync(TempOutbox.Payload(0), CancellationToken.None)).ShouldBe(0);

        host.Services.GetRequiredService<AuditOutboxOptions>().SegmentBytes.ShouldBe(1L << 20);
        dir.Segments().Select(Path.GetFileName).ShouldBe(["00000000000000000000.seg"]);
    }

    [Fact]
    public void An_outbox_without_Kafka_is_warned_about_at_start()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["AUDIT_OUTBOX_PATH"] = dir.OutboxPath });

        host.CreateClient().Dispose();

        host.Logs.AllText().ShouldContain("has no Kafka relay (KAFKA_BOOTSTRAP_SERVERS is unset)");
    }

    [Fact]
    public void Without_AUDIT_OUTBOX_PATH_the_host_has_no_outbox()
    {
        using var host = new SecretsHostFactory();

        host.Services.GetService<AuditOutbox>().ShouldBeNull();
        host.Services.GetService<AuditOutboxOptions>().ShouldBeNull();
    }
}
