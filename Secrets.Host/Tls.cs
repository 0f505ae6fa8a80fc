using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Secrets.Host;

/// <summary>
/// HTTPS on Kestrel (docs/AUTHENTICATION.md#mtls, RFC 8705): <c>TLS_CERT_PATH</c> and <c>TLS_KEY_PATH</c> (PEM) are the server's
/// certificate and key; with <c>TLS_CLIENT_CA_PATH</c> (PEM, one or more CA certificates) clients may
/// present a certificate, which must chain to one of those CAs (else the handshake fails). Requests
/// without one still connect; tokens bound to a certificate (<c>cnf.x5t#S256</c>) need it.
/// </summary>
internal static class Tls
{
    public static bool Configured(IConfiguration config) => !string.IsNullOrWhiteSpace(config["TLS_CERT_PATH"]);

    public static WebApplicationBuilder AddTls(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var certPath = Set(config["TLS_CERT_PATH"]);
        var keyPath = Set(config["TLS_KEY_PATH"]);
        var caPath = Set(config["TLS_CLIENT_CA_PATH"]);
        if (certPath is null && keyPath is null && caPath is null)
            return builder;
        if (certPath is null || keyPath is null)
            throw new InvalidOperationException("TLS_CERT_PATH and TLS_KEY_PATH must be set together (PEM certificate and private key)");

        var certificate = Load("TLS_CERT_PATH and TLS_KEY_PATH", () => X509Certificate2.CreateFromPemFile(Existing(certPath, "TLS_CERT_PATH"), Existing(keyPath, "TLS_KEY_PATH")));
        X509Certificate2Collection? clientCas = null;
        if (caPath is not null)
        {
            clientCas = [];
            Load("TLS_CLIENT_CA_PATH", () =>
            {
                clientCas.ImportFromPemFile(Existing(caPath, "TLS_CLIENT_CA_PATH"));
                return clientCas;
            });
        }
        if (clientCas is { Count: 0 })
            throw new InvalidOperationException("TLS_CLIENT_CA_PATH holds no certificate");

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificate = certificate;
            if (clientCas is not null)
            {
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (presented, _, _) => ChainsTo(presented, clientCas);
            }
        }));
        return builder;
    }

    /// <summary>The client certificate chains to one of the configured CAs (and only those), is in its validity period and allows client auth.</summary>
    internal static bool ChainsTo(X509Certificate2 presented, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));   // id-kp-clientAuth
        return chain.Build(presented);
    }

    /// <summary>The path, when the file is there; else a refusal naming the variable (never the file's content).</summary>
    private static string Existing(string path, string variable) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{variable}: no such file");

    private static T Load<T>(string variables, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"{variables}: cannot load the PEM file ({ex.GetType().Name})", ex);
        }
    }

    private static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
