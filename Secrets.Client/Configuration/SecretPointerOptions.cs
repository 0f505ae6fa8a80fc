using System.Security.Cryptography.X509Certificates;
using Secrets.Client.Authentication;
using Secrets.Client.Dpop;

namespace Secrets.Client.Configuration;

/// <summary>How <c>AddSecretPointers</c> reaches the service and when it reads the secrets again (docs/CLIENT.md#configuration-pointers).</summary>
public sealed class SecretPointerOptions
{
    /// <summary>The service; default: the configuration's <c>SECRETS_ADDR</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Default: the configuration's <c>SECRETS_TOKEN</c> as a static token, or none.</summary>
    public ISecretsTokenSource? TokenSource { get; set; }

    public DpopKey? DpopKey { get; set; }

    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Read every pointer again this often; null (default) reads them once, at startup.</summary>
    public TimeSpan? ReloadInterval { get; set; }

    /// <summary>Follow the service's event stream (<c>GET /api/secrets/events</c>) and read the pointers again when a secret changes.</summary>
    public bool ReloadOnChange { get; set; }

    /// <summary>The handler the client sends through (tests; a proxy); default: a sockets handler with <see cref="ClientCertificate"/>.</summary>
    public HttpMessageHandler? Handler { get; set; }

    public TimeProvider Time { get; set; } = TimeProvider.System;
}
