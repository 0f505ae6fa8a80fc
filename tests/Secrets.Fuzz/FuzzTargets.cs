using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Grants.Binding;
using Secrets.Shared.Kernel;

namespace Secrets.Fuzz;

/// <summary>
/// The fuzz targets. A target returns normally for every input it handles as documented; anything else (an exception
/// other than the documented refusal, a broken invariant) escapes, and AFL records the input as a crash.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>
    /// The Canonical Secret URI parser: the first byte picks the allowance and the version argument, the rest (UTF-8)
    /// is the input. A parse is accepted or refused with a code; an accepted URI's canonical string parses again, to
    /// the same URI (round trip, idempotence).
    /// </summary>
    public static void Uri(byte[] data)
    {
        if (data.Length == 0)
            return;
        var allow = (data[0] & 1) == 0 ? UriAllowance.None : UriAllowance.Prefix;
        int? version = ((data[0] >> 1) & 3) switch { 0 => null, 1 => 1, 2 => 0, _ => int.MaxValue };
        var input = Encoding.UTF8.GetString(data, 1, data.Length - 1);

        if (!CanonicalSecretUri.TryParse(input, version, allow, out var uri, out var error))
        {
            if (error.Status != 400)
                throw new InvalidOperationException($"a refusal with status {error.Status}");
            return;
        }
        var canonical = uri.ToString();
        if (!CanonicalSecretUri.TryParse(canonical, null, allow, out var again, out var againError))
            throw new InvalidOperationException($"the canonical form is refused with {againError}");
        if (again != uri || again.ToString() != canonical)
            throw new InvalidOperationException("the canonical form parses to another URI");
    }

    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Url = "https://secrets.example.com/api/secrets/value";
    private const string AccessToken = "fuzz-access-token";

    private static readonly DpopProofValidator Validator = new(DpopOptions.Default, new DpopNonceIssuer(new FixedTime(), DpopOptions.Default), new FixedTime());

    /// <summary>The DPoP proof validator: the input (UTF-8) is the DPoP header; any input gets a result, never an exception.</summary>
    public static void Dpop(byte[] data)
    {
        var proof = Encoding.UTF8.GetString(data);
        var result = Validator.Validate(new DpopProofRequest("GET", Url, [proof], AccessToken, SeedThumbprint));
        if (!result.IsValid && result.Failure.Description.Contains(AccessToken, StringComparison.Ordinal))
            throw new InvalidOperationException("a refusal repeats the access token");
    }

    /// <summary>The thumbprint the seeds' key has (the seeds are written with a key derived from a fixed scalar).</summary>
    private static string SeedThumbprint => SeedKey.Value.Thumbprint;

    private static readonly Lazy<(ECDsa Key, string Jwk, string Thumbprint)> SeedKey = new(() =>
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var d = SHA256.HashData("secrets-fuzz-seed-key"u8);
        key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var q = key.ExportParameters(false).Q;
        var x = Base64UrlStrict.Encode(q.X);
        var y = Base64UrlStrict.Encode(q.Y);
        var jwk = $$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""";
        var thumbprint = Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(jwk)));
        return (key, jwk, thumbprint);
    });

    /// <summary>Signed proofs that pass every check, and a few that fail one each: the corpus AFL starts from.</summary>
    public static void WriteDpopSeeds(string dir)
    {
        Directory.CreateDirectory(dir);
        var (key, jwk, _) = SeedKey.Value;
        var ath = Base64UrlStrict.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(AccessToken)));
        var iat = Now.ToUnixTimeSeconds();
        var claims = new[]
        {
            $$"""{"jti":"seed-1","htm":"GET","htu":"{{Url}}","iat":{{iat}},"ath":"{{ath}}"}""",
            $$"""{"jti":"seed-2","htm":"GET","htu":"{{Url}}?x=1","iat":{{iat}}.5,"ath":"{{ath}}","nonce":"n"}""",
            $$"""{"jti":"seed-3","htm":"POST","htu":"{{Url}}","iat":{{iat}},"ath":"{{ath}}"}""",
            $$"""{"jti":"seed-4","htm":"GET","htu":"{{Url}}","iat":1,"ath":"{{ath}}"}""",
        };
        var header = $$"""{"typ":"dpop+jwt","alg":"ES256","jwk":{{jwk}}}""";
        for (var i = 0; i < claims.Length; i++)
        {
            var input = Base64UrlStrict.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64UrlStrict.Encode(Encoding.UTF8.GetBytes(claims[i]));
            var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            File.WriteAllText(Path.Combine(dir, $"proof-{i + 1}"), input + "." + Base64UrlStrict.Encode(signature));
        }
        var first = File.ReadAllText(Path.Combine(dir, "proof-1"));
        var check = Validator.Validate(new DpopProofRequest("GET", Url, [first], AccessToken, SeedThumbprint));
        if (!check.IsValid)
            throw new InvalidOperationException("the first seed proof does not validate: " + check);
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
