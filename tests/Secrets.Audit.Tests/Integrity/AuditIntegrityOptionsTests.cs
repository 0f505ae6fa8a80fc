using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Integrity;
using Secrets.Testing;
using static Secrets.Testing.HostStartup;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>AUDIT_NODE_ID, AUDIT_CHECKPOINT_EVERY/SECONDS and AUDIT_SIGNING_KEY_POINTER as the host reads them.</summary>
public sealed class AuditIntegrityOptionsTests
{
    [Fact]
    public void Prod_without_a_signing_key_pointer_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "prod"), ("AUDIT_SIGNING_KEY_POINTER", null)).ShouldRefuseToStart("AUDIT_SIGNING_KEY_POINTER");

    [Fact]
    public void Prod_with_a_pointer_starts()
    {
        using var host = HostWith(("ENVIRONMENT", "prod"), ("AUDIT_SIGNING_KEY_POINTER", "openbao+kv2://secret/audit/signing#seed"));

        host.Services.GetRequiredService<AuditIntegrityOptions>().SigningKeyPointer!.ToString().ShouldBe("openbao+kv2://secret/audit/signing#seed");
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("openbao://secret/audit/signing")]   // names no key
    public void A_pointer_that_is_not_a_canonical_uri_of_one_key_refuses_to_start(string pointer) =>
        HostWith(("AUDIT_SIGNING_KEY_POINTER", pointer)).ShouldRefuseToStart("AUDIT_SIGNING_KEY_POINTER");

    [Fact]
    public void The_node_id_is_the_configured_name_with_a_suffix_drawn_at_each_start()
    {
        using var one = HostWith(("AUDIT_NODE_ID", "gw-1"), ("AUDIT_CHECKPOINT_EVERY", "50"), ("AUDIT_CHECKPOINT_SECONDS", "10"));
        using var two = HostWith(("AUDIT_NODE_ID", "gw-1"));

        var a = one.Services.GetRequiredService<AuditIntegrityOptions>();
        var b = two.Services.GetRequiredService<AuditIntegrityOptions>();

        a.NodeId.ShouldMatch("^gw-1\\.[0-9a-f]{8}$");
        b.NodeId.ShouldStartWith("gw-1.");
        b.NodeId.ShouldNotBe(a.NodeId);
        (a.CheckpointEvery, a.CheckpointSeconds).ShouldBe((50, 10));
        (b.CheckpointEvery, b.CheckpointSeconds).ShouldBe((1000, 60));
    }

    [Theory]
    [InlineData("AUDIT_NODE_ID", "gw 1")]
    [InlineData("AUDIT_CHECKPOINT_EVERY", "0")]
    [InlineData("AUDIT_CHECKPOINT_SECONDS", "soon")]
    public void Invalid_settings_refuse_to_start_naming_the_variable(string name, string value) =>
        HostWith((name, value)).ShouldRefuseToStart(name);
}
