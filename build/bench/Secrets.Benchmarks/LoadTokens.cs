using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

/// <summary>
/// Tokens for build/bench.sh's wrk passes, which cannot sign anything themselves:
/// <c>mint DIR</c> makes an issuer (jwks.json, issuer.txt), an RS256 bearer token (bearer.txt) and an
/// ES256 DPoP key (dpop-key.pem) with a token bound to it (dpop-token.txt); <c>proofs DIR HTU N FILE</c>
/// signs N fresh DPoP proofs for <c>GET HTU</c> with that key, one per line, just before a run (their
/// iat must be recent). The tokens carry no jti, as a client's long-lived token would not be spent
/// per grant, and live 4 hours.
/// </summary>
internal static class LoadTokens
{
    public static int Mint(string dir)
    {
        Directory.CreateDirectory(dir);
        using var issuer = new TestIssuer("https://bench-issuer.test");
        issuer.WriteJwks(Path.Combine(dir, "jwks.json"));
        File.WriteAllText(Path.Combine(dir, "issuer.txt"), issuer.Issuer);
        File.WriteAllText(Path.Combine(dir, "bearer.txt"), issuer.Token(LongLived("bench-bearer")));

        using var dpop = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(dir, "dpop-key.pem"), dpop.ExportECPrivateKeyPem());
        var jkt = Jose.Thumbprint(PublicJwk(dpop));
        File.WriteAllText(Path.Combine(dir, "dpop-token.txt"),
            issuer.Token(b => { LongLived("bench-dpop")(b); b.Claims["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt }; }, issuer.Es256.Key));
        Console.WriteLine($"minted issuer, bearer and DPoP tokens in {dir}");
        return 0;
    }

    public static int Proofs(string dir, string htu, int count, string file)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(dir, "dpop-key.pem")));
        var token = File.ReadAllText(Path.Combine(dir, "dpop-token.txt")).Trim();
        var header = Jose.Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["typ"] = "dpop+jwt", ["alg"] = "ES256", ["jwk"] = PublicJwk(key),
        }));
        var ath = Jose.Ath(token);
        var iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var output = new StreamWriter(file, append: false, Encoding.ASCII, 1 << 20);
        for (var i = 0; i < count; i++)
        {
            var claims = Jose.Base64Url(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$"""{"jti":"{{Guid.NewGuid():N}}","htm":"GET","htu":"{{htu}}","iat":{{iat}},"ath":"{{ath}}"}""")));
            var input = header + "." + claims;
            var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            output.Write(input);
            output.Write('.');
            output.WriteLine(Jose.Base64Url(signature));
        }
        return 0;
    }

    /// <summary>One subject per token: a grant is per subject, and a DPoP-bound one refuses an unbound caller.</summary>
    private static Action<JwsBuilder> LongLived(string subject) => TestIssuer.LongLived(subject, "bench-client", TimeSpan.FromHours(4));

    private static Dictionary<string, object> PublicJwk(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, object>
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Jose.Base64Url(p.Q.X), ["y"] = Jose.Base64Url(p.Q.Y),
        };
    }
}
