using System.Globalization;
using System.Text;
using CsCheck;
using Secrets.Grants.Binding;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// The DPoP proof validator on bad input at volume (RFC 9449 §4.3): arbitrary strings, compact-JWS-shaped strings built
/// from near-valid headers, claims and keys, and valid proofs mutated byte by byte are always answered with a typed
/// refusal (<c>invalid_dpop_proof</c>, <c>use_dpop_nonce</c> or <c>invalid_token</c>) whose description never repeats the
/// access token or the proof; no input throws. A proof that differs from a signed one is never valid. Each property runs
/// 100,000 generated cases; a failure is shrunk and reported with the seed that reproduces it.
/// </summary>
public sealed class DpopProofPropertyTests
{
    private const long Iterations = 100_000;

    private static readonly string[] Errors = [DpopFailure.InvalidProof, DpopFailure.UseNonce, DpopFailure.InvalidToken];

    private static readonly ProofKey Ed25519Key = ProofKey.Ed25519();

    /// <summary>Valid proofs, one per kind of key, signed once: the mutations start from these.</summary>
    private static readonly string[] SignedProofs =
    [
        new DpopProofBuilder(DpopTestBed.Es256, DpopTestBed.Method, DpopTestBed.Url, DpopTestBed.Start, DpopTestBed.Token).Build(),
        new DpopProofBuilder(DpopTestBed.Rs256, DpopTestBed.Method, DpopTestBed.Url, DpopTestBed.Start, DpopTestBed.Token).Build(),
        new DpopProofBuilder(Ed25519Key, DpopTestBed.Method, DpopTestBed.Url, DpopTestBed.Start, DpopTestBed.Token).Build(),
    ];

    private const string Base64UrlChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>Any string: any UTF-16 character, or the base64url alphabet with dots, padding and whitespace.</summary>
    private static readonly Gen<string> AnyStringGen = Gen.Frequency(
        (1, Gen.Char.Array[0, 200].Select(c => new string(c))),
        (3, Gen.Char[Base64UrlChars + "..=+/ "].Array[0, 300].Select(c => new string(c))));

    /// <summary>One edit of a signed proof: replace, insert or delete a run of characters, or swap two segments.</summary>
    private static readonly Gen<(string Proof, int Key)> MutatedProofGen =
        Gen.Select(Gen.Int[0, SignedProofs.Length - 1], Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Int[1, 8], Gen.Char[Base64UrlChars + ".=+/ \0é"].Array[1, 8],
            (which, kind, at, count, chars) =>
            {
                var proof = SignedProofs[which];
                var i = at % proof.Length;
                var run = new string(chars);
                var mutated = kind switch
                {
                    0 => proof[..i] + run + proof[Math.Min(proof.Length, i + run.Length)..],
                    1 => proof[..i] + run + proof[i..],
                    2 => proof[..i] + proof[Math.Min(proof.Length, i + count)..],
                    3 => SwapSegments(proof, at),
                    _ => proof[..i],
                };
                return (mutated, which);
            });

    private static readonly Gen<string> Base64UrlGen = Gen.Char[Base64UrlChars].Array[0, 90].Select(c => new string(c));

    /// <summary>A JSON value of any type, including the odd ones a claim or a key member must not be.</summary>
    private static readonly Gen<string> AnyJsonValueGen = Gen.OneOf(
        Gen.Const("null"), Gen.Const("true"), Gen.Const("[]"), Gen.Const("{}"), Gen.Const("1e400"), Gen.Const("-0"),
        Gen.Const("18446744073709551616"), Gen.Const("1.5"), Gen.Const("\"\""), Gen.Const("\"\\ud800\""),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Base64UrlGen.Select(s => "\"" + s + "\""),
        Gen.Int[0, 40].Select(depth => new string('[', depth) + new string(']', depth)));

    private static Gen<string> Member(string name, Gen<string> good) =>
        Gen.Frequency((6, good.Select(v => $"\"{name}\":{v}")), (2, AnyJsonValueGen.Select(v => $"\"{name}\":{v}")), (1, Gen.Const("")));

    private static Gen<string> Quoted(params string[] values) => Gen.OneOf(values).Select(v => "\"" + v + "\"");

    private static readonly Gen<string> JwkGen =
        Gen.Select(
            Member("kty", Quoted("EC", "RSA", "OKP", "oct", "ec")),
            Member("crv", Quoted("P-256", "P-384", "P-521", "Ed25519", "X25519", "secp256k1")),
            Member("x", Base64UrlGen.Select(s => "\"" + s + "\"")),
            Member("y", Base64UrlGen.Select(s => "\"" + s + "\"")),
            Member("n", Base64UrlGen.Select(s => "\"" + s + "\"")),
            Member("e", Quoted("AQAB", "Aw", "", "AA")),
            Member("d", Base64UrlGen.Select(s => "\"" + s + "\"")),
            (kty, crv, x, y, n, e, d) => "{" + Join(kty, crv, x, y, n, e, d) + "}");

    private static readonly Gen<string> HeaderGen =
        Gen.Select(
            Member("typ", Quoted("dpop+jwt", "DPOP+JWT", "jwt", "at+jwt")),
            Member("alg", Quoted("ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA", "HS256", "none", "es256")),
            Member("jwk", JwkGen),
            Gen.Frequency((8, Gen.Const("")), (1, Gen.Const("\"crit\":[\"exp\"]")), (1, Gen.Const("\"typ\":\"dpop+jwt\""))),
            (typ, alg, jwk, extra) => "{" + Join(typ, alg, jwk, extra) + "}");

    private static readonly Gen<string> ClaimsGen =
        Gen.Select(
            Member("jti", Gen.Frequency((4, Quoted("a", "jti-1")), (1, Gen.Int[0, 400].Select(n => "\"" + new string('j', n) + "\"")))),
            Member("htm", Quoted(DpopTestBed.Method, "get", "POST", "")),
            Member("htu", Quoted(DpopTestBed.Url, "https://secrets.example.com/api/secrets/%76alue", "https://x/", "not a url", "https://[::1", "//a")),
            Member("iat", Gen.OneOf(Gen.Const(DpopTestBed.Start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), Gen.Const("1e300"), Gen.Const("-1"), Gen.Const("253402300800"), Gen.Const("1767225600.999"))),
            Member("ath", Quoted(Jose.Ath(DpopTestBed.Token), "", "x")),
            Member("nonce", Quoted("n", "")),
            (jti, htm, htu, iat, ath, nonce) => "{" + Join(jti, htm, htu, iat, ath, nonce) + "}");

    /// <summary>A JSON text that may also be cut short, repeat a member, nest deeply or not be JSON at all.</summary>
    private static Gen<byte[]> Damaged(Gen<string> json) =>
        Gen.Select(json, Gen.Int[0, 9], Gen.Int[0, int.MaxValue], (text, damage, at) => damage switch
        {
            0 => text[..(at % (text.Length + 1))],
            1 => text.Length > 2 ? text[..^1] + "," + text[1..] : text,
            2 => new string('[', 20 + at % 200) + text,
            3 => "\"" + text + "\"",
            _ => text,
        }).Select(Encoding.UTF8.GetBytes);

    private static readonly Gen<string> StructuredProofGen =
        Gen.Select(Damaged(HeaderGen), Damaged(ClaimsGen), Gen.Byte.Array[0, 600], (header, claims, signature) =>
            Jose.Base64Url(header) + "." + Jose.Base64Url(claims) + "." + Jose.Base64Url(signature));

    [Fact]
    public void Arbitrary_strings_are_refused_with_a_typed_error()
    {
        AnyStringGen.Sample(proof => Check(proof, 0), iter: Iterations);
    }

    [Fact]
    public void Compact_jws_built_from_near_valid_headers_claims_and_keys_is_refused_with_a_typed_error()
    {
        StructuredProofGen.Sample(proof => Check(proof, 0), iter: Iterations);
    }

    [Fact]
    public void A_mutated_signed_proof_is_refused_with_a_typed_error()
    {
        MutatedProofGen.Sample((proof, key) =>
        {
            var result = Check(proof, key);
            if (proof == SignedProofs[key])
                return;   // the edit changed nothing (a replacement with the same characters)
            result.IsValid.ShouldBeFalse("a proof that differs from the signed one must not verify");
        }, iter: Iterations);
    }

    [Fact]
    public void The_signed_proofs_the_mutations_start_from_are_valid()
    {
        for (var key = 0; key < SignedProofs.Length; key++)
            Check(SignedProofs[key], key).IsValid.ShouldBeTrue();
    }

    /// <summary>
    /// Found by the properties above (shrunk): a string member the JSON reader accepts but cannot turn into text threw
    /// out of the validator (a 500) instead of refusing the proof. Header <c>{"typ":"\ud800"}</c> (an escaped lone
    /// surrogate) and a jwk member holding the byte 0x8F (invalid UTF-8) are now refused as unreadable JSON.
    /// </summary>
    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'t', (byte)'y', (byte)'p', (byte)'"', (byte)':', (byte)'"', (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0', (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0x8F, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0x8F, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public void A_header_with_a_string_that_is_not_text_is_refused_as_unreadable(byte[] header)
    {
        var claims = Encoding.UTF8.GetBytes("{\"jti\":\"a\"}");
        var proof = Jose.Base64Url(header) + "." + Jose.Base64Url(claims) + "." + Jose.Base64Url(new byte[64]);

        var result = Check(proof, 0);

        result.IsValid.ShouldBeFalse();
        result.Failure.Error.ShouldBe(DpopFailure.InvalidProof);
        result.Failure.Description.ShouldBe("the DPoP proof header or payload is not a JSON object");
    }

    [Fact]
    public void A_jwk_member_with_invalid_utf8_in_a_signed_rsa_proof_is_refused_as_unreadable()
    {
        var header = Encoding.UTF8.GetBytes("{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"x\"}}");
        header[^4] = 0x8F;   // the one character of n
        var proof = Jose.Base64Url(header) + "." + Jose.Base64Url("{}"u8) + "." + Jose.Base64Url(new byte[256]);

        Check(proof, 1).Failure!.Description.ShouldBe("the DPoP proof header or payload is not a JSON object");
    }

    /// <summary>One validator for every case, as in the host: its key cache sees every generated key.</summary>
    private static readonly DpopProofValidator Validator = new DpopTestBed().Validator();

    /// <summary>
    /// One validation against the token bound to the key of <c>SignedProofs[key]</c>: a result, never an exception; a
    /// refusal is typed and repeats neither the token nor the proof.
    /// </summary>
    private static DpopProofResult Check(string proof, int key)
    {
        var thumbprint = new[] { DpopTestBed.Es256.Thumbprint, DpopTestBed.Rs256.Thumbprint, Ed25519Key.Thumbprint }[key];
        var result = Validator.Validate(new DpopProofRequest(DpopTestBed.Method, DpopTestBed.Url, [proof], DpopTestBed.Token, thumbprint));
        if (result.IsValid)
            return result;
        result.Failure.Error.ShouldBeOneOf(Errors);
        result.Failure.Description.ShouldNotBeNullOrWhiteSpace();
        result.Failure.Description.ShouldNotContain(DpopTestBed.Token);
        if (proof.Length >= 8)
            result.Failure.Description.ShouldNotContain(proof);
        return result;
    }

    private static string SwapSegments(string proof, int which)
    {
        var parts = proof.Split('.');
        var (a, b) = (which % 3, (which / 3 + 1) % 3);
        (parts[a], parts[b]) = (parts[b], parts[a]);
        return string.Join('.', parts);
    }

    private static string Join(params string[] members) => string.Join(',', members.Where(m => m.Length > 0));
}
