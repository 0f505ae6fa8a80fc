using Confluent.Kafka;

namespace Secrets.Audit.Kafka;

/// <summary>
/// Where audit events go in Kafka (docs/AUDIT.md#kafka): <c>KAFKA_BOOTSTRAP_SERVERS</c>, the topics
/// <c>&lt;KAFKA_TOPIC_PREFIX&gt;.secrets</c> (changes to secrets) and <c>&lt;KAFKA_TOPIC_PREFIX&gt;.secrets.audit</c>
/// (every audit event), prefix <c>crud</c> by default, and the connection's security settings passed through to
/// librdkafka as given. <see cref="ToString"/> never shows the SASL password or the key password.
/// </summary>
internal sealed record KafkaSettings(string BootstrapServers, string TopicPrefix, IReadOnlyDictionary<string, string> Security)
{
    public const string DefaultTopicPrefix = "crud";

    /// <summary>Each security variable and the librdkafka property it sets.</summary>
    public static readonly IReadOnlyList<(string Variable, string Property)> SecurityVariables =
    [
        ("KAFKA_SECURITY_PROTOCOL", "security.protocol"),
        ("KAFKA_SASL_MECHANISM", "sasl.mechanism"),
        ("KAFKA_SASL_USERNAME", "sasl.username"),
        ("KAFKA_SASL_PASSWORD", "sasl.password"),
        ("KAFKA_SSL_CA_LOCATION", "ssl.ca.location"),
        ("KAFKA_SSL_CERTIFICATE_LOCATION", "ssl.certificate.location"),
        ("KAFKA_SSL_KEY_LOCATION", "ssl.key.location"),
        ("KAFKA_SSL_KEY_PASSWORD", "ssl.key.password"),
    ];

    private static readonly HashSet<string> Protocols = new(StringComparer.OrdinalIgnoreCase) { "plaintext", "ssl", "sasl_plaintext", "sasl_ssl" };
    private static readonly HashSet<string> Mechanisms = new(StringComparer.Ordinal) { "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI" };

    public string SecretsTopic => TopicPrefix + ".secrets";

    public string AuditTopic => TopicPrefix + ".secrets.audit";

    /// <summary>The settings, or null when <c>KAFKA_BOOTSTRAP_SERVERS</c> is unset (no Kafka: the ring buffer and the log only).</summary>
    public static KafkaSettings? From(Func<string, string?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var servers = config("KAFKA_BOOTSTRAP_SERVERS")?.Trim();
        if (string.IsNullOrEmpty(servers))
            return null;
        var prefix = config("KAFKA_TOPIC_PREFIX")?.Trim();
        prefix = string.IsNullOrEmpty(prefix) ? DefaultTopicPrefix : prefix;
        if (prefix.Length > 200 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new InvalidOperationException("KAFKA_TOPIC_PREFIX may hold only ASCII letters, digits, '.', '_' and '-', at most 200 of them");
        var security = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (variable, property) in SecurityVariables)
        {
            if (config(variable)?.Trim() is { Length: > 0 } value)
                security[property] = value;
        }
        if (security.TryGetValue("security.protocol", out var protocol) && !Protocols.Contains(protocol))
            throw new InvalidOperationException("KAFKA_SECURITY_PROTOCOL must be plaintext, ssl, sasl_plaintext or sasl_ssl");
        if (security.TryGetValue("sasl.mechanism", out var mechanism) && !Mechanisms.Contains(mechanism))
            throw new InvalidOperationException("KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI");
        return new KafkaSettings(servers, prefix, security);
    }

    /// <summary>
    /// The producer's configuration: idempotent, <c>acks=all</c>, ordered per partition (at most 5 requests in flight,
    /// which idempotence keeps in order), the security settings as given.
    /// </summary>
    public ProducerConfig ProducerConfig()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MaxInFlight = 5,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            MessageTimeoutMs = 0,   // never give up on an event: delivery is retried until the broker takes it
        };
        foreach (var (property, value) in Security)
            config.Set(property, value);
        return config;
    }

    /// <summary>
    /// A reader's configuration (<c>verify-audit --kafka</c>): its own group id, which it never joins or commits to
    /// (offsets are assigned), read-committed, the end of each partition reported, the security settings as given.
    /// </summary>
    public ConsumerConfig ConsumerConfig(string groupId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AllowAutoCreateTopics = false,
        };
        foreach (var (property, value) in Security)
            config.Set(property, value);
        return config;
    }

    public override string ToString() =>
        $"{BootstrapServers}, topics {SecretsTopic} and {AuditTopic}" + (Security.TryGetValue("security.protocol", out var p) ? $", {p}" : "");
}
