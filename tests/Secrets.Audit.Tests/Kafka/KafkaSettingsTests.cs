using Confluent.Kafka;
using Secrets.Audit.Kafka;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>The Kafka settings (docs/AUDIT.md#kafka): off without brokers, topic names, the producer's guarantees, security passed through.</summary>
public sealed class KafkaSettingsTests
{
    private static Func<string, string?> Config(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Without_brokers_there_is_no_Kafka()
    {
        KafkaSettings.From(Config()).ShouldBeNull();
        KafkaSettings.From(Config(("KAFKA_BOOTSTRAP_SERVERS", "  "))).ShouldBeNull();
    }

    [Fact]
    public void The_topics_are_the_prefix_with_secrets_and_secrets_audit_and_the_prefix_is_crud_by_default()
    {
        var defaults = KafkaSettings.From(Config(("KAFKA_BOOTSTRAP_SERVERS", "b1:9092,b2:9092")))!;
        var named = KafkaSettings.From(Config(("KAFKA_BOOTSTRAP_SERVERS", "b1:9092"), ("KAFKA_TOPIC_PREFIX", "payments.prod")))!;

        (defaults.SecretsTopic, defaults.AuditTopic).ShouldBe(("crud.secrets", "crud.secrets.audit"));
        (named.SecretsTopic, named.AuditTopic).ShouldBe(("payments.prod.secrets", "payments.prod.secrets.audit"));
    }

    [Fact]
    public void The_producer_is_idempotent_acks_all_and_never_drops_an_event_on_a_timeout()
    {
        var config = KafkaSettings.From(Config(("KAFKA_BOOTSTRAP_SERVERS", "b1:9092")))!.ProducerConfig();

        config.BootstrapServers.ShouldBe("b1:9092");
        config.Acks.ShouldBe(Acks.All);
        config.EnableIdempotence.ShouldBe(true);
        config.MaxInFlight.ShouldBe(5);
        config.MessageTimeoutMs.ShouldBe(0);
    }

    [Fact]
    public void Security_settings_are_passed_through_and_the_password_is_never_shown()
    {
        var settings = KafkaSettings.From(Config(
            ("KAFKA_BOOTSTRAP_SERVERS", "b1:9093"), ("KAFKA_SECURITY_PROTOCOL", "sasl_ssl"), ("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
            ("KAFKA_SASL_USERNAME", "audit"), ("KAFKA_SASL_PASSWORD", "pa55-word"), ("KAFKA_SSL_CA_LOCATION", "/etc/ca.pem")))!;
        var config = settings.ProducerConfig();

        config.Get("security.protocol").ShouldBe("sasl_ssl");
        config.Get("sasl.mechanism").ShouldBe("SCRAM-SHA-512");
        config.Get("sasl.username").ShouldBe("audit");
        config.Get("sasl.password").ShouldBe("pa55-word");
        config.Get("ssl.ca.location").ShouldBe("/etc/ca.pem");
        settings.ToString().ShouldNotContain("pa55-word");
        settings.ToString().ShouldContain("sasl_ssl");
    }

    [Fact]
    public void A_reader_has_its_own_group_commits_nothing_starts_at_the_beginning_and_uses_the_same_security()
    {
        var config = KafkaSettings.From(Config(
            ("KAFKA_BOOTSTRAP_SERVERS", "b1:9093"), ("KAFKA_SECURITY_PROTOCOL", "ssl"), ("KAFKA_SSL_CA_LOCATION", "/etc/ca.pem"),
            ("KAFKA_SSL_KEY_PASSWORD", "k3y-pass")))!.ConsumerConfig("verify-audit-1");

        config.BootstrapServers.ShouldBe("b1:9093");
        config.GroupId.ShouldBe("verify-audit-1");
        config.EnableAutoCommit.ShouldBe(false);
        config.EnableAutoOffsetStore.ShouldBe(false);
        config.AutoOffsetReset.ShouldBe(AutoOffsetReset.Earliest);
        config.EnablePartitionEof.ShouldBe(true);
        config.IsolationLevel.ShouldBe(IsolationLevel.ReadCommitted);
        config.Get("security.protocol").ShouldBe("ssl");
        config.Get("ssl.ca.location").ShouldBe("/etc/ca.pem");
        config.Get("ssl.key.password").ShouldBe("k3y-pass");
    }

    [Theory]
    [InlineData("KAFKA_TOPIC_PREFIX", "bad prefix", "KAFKA_TOPIC_PREFIX")]
    [InlineData("KAFKA_SECURITY_PROTOCOL", "tls", "KAFKA_SECURITY_PROTOCOL")]
    [InlineData("KAFKA_SASL_MECHANISM", "scram", "KAFKA_SASL_MECHANISM")]
    public void A_bad_setting_is_refused_by_name(string key, string value, string named)
    {
        Should.Throw<InvalidOperationException>(() => KafkaSettings.From(Config(("KAFKA_BOOTSTRAP_SERVERS", "b1:9092"), (key, value))))
            .Message.ShouldContain(named);
    }
}
