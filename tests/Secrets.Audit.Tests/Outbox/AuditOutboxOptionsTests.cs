using Microsoft.Extensions.Configuration;
using Secrets.Audit.Outbox;

namespace Secrets.Audit.Tests.Outbox;

public sealed class AuditOutboxOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Without_AUDIT_OUTBOX_PATH_there_is_no_outbox()
    {
        AuditOutboxOptions.From(Config()).ShouldBeNull();
        AuditOutboxOptions.From(Config(("AUDIT_OUTBOX_PATH", " "))).ShouldBeNull();
    }

    [Fact]
    public void Sizes_default_to_64_MiB_segments_and_1_GiB_in_all()
    {
        var options = AuditOutboxOptions.From(Config(("AUDIT_OUTBOX_PATH", "/var/lib/secrets/outbox")))!;

        options.ShouldBe(new AuditOutboxOptions("/var/lib/secrets/outbox", 64L << 20, 1L << 30));
    }

    [Fact]
    public void Sizes_are_read_from_their_variables()
    {
        var options = AuditOutboxOptions.From(Config(("AUDIT_OUTBOX_PATH", "/tmp/outbox"),
            ("AUDIT_OUTBOX_SEGMENT_BYTES", "1048576"), ("AUDIT_OUTBOX_MAX_BYTES", "8589934592")))!;

        options.SegmentBytes.ShouldBe(1L << 20);
        options.MaxBytes.ShouldBe(8L << 30);
    }

    [Theory]
    [InlineData("AUDIT_OUTBOX_SEGMENT_BYTES", "12", "AUDIT_OUTBOX_SEGMENT_BYTES must be")]
    [InlineData("AUDIT_OUTBOX_MAX_BYTES", "lots", "AUDIT_OUTBOX_MAX_BYTES must be")]
    [InlineData("AUDIT_OUTBOX_MAX_BYTES", "2097152", "AUDIT_OUTBOX_MAX_BYTES must be at least AUDIT_OUTBOX_SEGMENT_BYTES")]
    public void A_bad_size_is_refused_naming_its_variable(string variable, string value, string message)
    {
        var read = () => AuditOutboxOptions.From(Config(("AUDIT_OUTBOX_PATH", "/tmp/outbox"), (variable, value)));

        read.ShouldThrow<InvalidOperationException>().Message.ShouldStartWith(message);
    }
}
