using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Secrets.Testing.Auth;

/// <summary>
/// A test PKI made in memory: a CA, a server certificate for the loopback names and client certificates for mTLS
/// (RFC 8705). Every certificate returned carries its private key in a form SslStream can use on Linux.
/// </summary>
public static class TestCertificates
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>A self-signed EC P-256 CA, valid from a year ago for ten years, so it can issue expired and future certificates.</summary>
    public static X509Certificate2 CreateCa(string name = "Secrets Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(10));
        return Reload(ca);
    }

    /// <summary>A server certificate issued by <paramref name="ca"/> for 127.0.0.1, ::1 and localhost (SAN), EKU server auth, valid a day.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 ca, bool rsa = false)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        var now = DateTimeOffset.UtcNow;
        return Issue(ca, "localhost", ServerAuth, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            san.Build(), now.AddMinutes(-5), now.AddDays(1), rsa);
    }

    /// <summary>
    /// A client certificate issued by <paramref name="ca"/> with subject CN=<paramref name="name"/>, EKU client auth, an EC
    /// P-256 key (RSA-2048 with <paramref name="rsa"/>), valid from <paramref name="notBefore"/> (5 min ago) to
    /// <paramref name="notAfter"/> (a day from now). Any dates are accepted: past ones make an expired certificate,
    /// and dates outside the CA's validity make one whose chain does not build.
    /// </summary>
    public static X509Certificate2 CreateClient(X509Certificate2 ca, string name = "client-1",
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool rsa = false)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(ca, name, ClientAuth, X509KeyUsageFlags.DigitalSignature, null,
            notBefore ?? now.AddMinutes(-5), notAfter ?? now.AddDays(1), rsa);
    }

    /// <summary>The RFC 8705 §3.1 <c>x5t#S256</c>: base64url(SHA-256(DER of the certificate)).</summary>
    public static string X5tS256(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Jose.Base64Url(SHA256.HashData(certificate.RawData));
    }

    /// <summary>Whether <paramref name="certificate"/> chains to <paramref name="ca"/> alone (custom root trust, no revocation check).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Writes the certificate as PEM to <paramref name="certPath"/> and its private key as PKCS #8 PEM to <paramref name="keyPath"/>.</summary>
    public static void WritePem(X509Certificate2 certificate, string certPath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("the certificate has no EC or RSA private key", nameof(certificate));
        using (key)
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes the CA certificate (no key) as PEM, for a trust bundle.</summary>
    public static void WriteCaPem(X509Certificate2 ca, string path)
    {
        ArgumentNullException.ThrowIfNull(ca);
        File.WriteAllText(path, ca.ExportCertificatePem());
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, Oid usage, X509KeyUsageFlags keyUsage,
        X509Extension? san, DateTimeOffset notBefore, DateTimeOffset notAfter, bool rsa)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN={name}");
        var request = key is RSA r
            ? new CertificateRequest(subject, r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null)
            request.CertificateExtensions.Add(san);

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;                                             // a positive serial number
        // The overload taking the CA certificate refuses a key type other than the CA's (RSA leaf, EC CA): sign with a generator.
        using var caKey = (AsymmetricAlgorithm?)ca.GetECDsaPrivateKey() ?? ca.GetRSAPrivateKey()
            ?? throw new ArgumentException("the CA certificate has no EC or RSA private key", nameof(ca));
        var generator = caKey is ECDsa ecCa ? X509SignatureGenerator.CreateForECDsa(ecCa) : X509SignatureGenerator.CreateForRSA((RSA)caKey, RSASignaturePadding.Pkcs1);
        using var issued = request.Create(ca.SubjectName, generator, notBefore, notAfter, serial);
        using var withKey = key is RSA k ? issued.CopyWithPrivateKey(k) : issued.CopyWithPrivateKey((ECDsa)key);
        return Reload(withKey);
    }

    /// <summary>
    /// Exports and re-imports through PKCS #12 (exportable). On Linux SslStream takes the ephemeral key of
    /// <c>CopyWithPrivateKey</c> as it is; Windows (SChannel) does not, so the reload keeps the kit portable.
    /// </summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var pfx = certificate.Export(X509ContentType.Pkcs12, password);
        return X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
    }
}
