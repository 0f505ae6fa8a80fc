using System.Security.Cryptography.X509Certificates;
using Secrets.Client.Authentication;
using Secrets.Client.Dpop;

namespace Secrets.Client;

/// <summary>How <c>AddSecretsClient</c> builds the client (docs/CLIENT.md#configuration).</summary>
public sealed class SecretsClientOptions
{
    /// <summary>The service, e.g. <c>https://secrets.internal:8443</c> (the CLI's <c>SECRETS_ADDR</c>).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Where the access token comes from; none = calls without a token (dev).</summary>
    public ISecretsTokenSource? TokenSource { get; set; }

    /// <summary>With a key, every request carries a DPoP proof and the token is sent as <c>DPoP</c>, not <c>Bearer</c>.</summary>
    public DpopKey? DpopKey { get; set; }

    /// <summary>A client certificate for mTLS (sender binding by certificate, or a TLS terminator that asks for one).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// The CA the service's certificate must chain to, instead of the system's roots: a private CA (the CLI's
    /// <c>SECRETS_CACERT</c>, as <c>VAULT_CACERT</c> for Vault's). The host name is checked as usual.
    /// </summary>
    public X509Certificate2? ServerCertificateAuthority { get; set; }

    /// <summary>Retries of a 429 or 503 answer (and of a connection that failed), each after the answer's Retry-After; 0 turns retries off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The longest wait between two attempts, whatever Retry-After says.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The deadline of one call, its retries and their waits included (default 100 s, as <see cref="HttpClient"/>'s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}
