using System.Net;
using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

/// <summary>
/// What each case must show before it is measured: 20 requests of the case answer 200, and the same host
/// refuses what the case's binding must refuse — a token from another issuer (bearer), a DPoP-bound token
/// without a proof, with a replayed proof and with another key's proof (DPoP), a certificate-bound token on a
/// connection without a certificate and with another certificate of the same CA (mTLS). The anonymous host
/// still validates a presented token (an invalid one is 401).
/// </summary>
internal static class AuthChecks
{
    public static async Task<List<string>> VerifyAsync(string name, AuthBenchHost host, HttpClient client, string token, ProofKey? key, string htu)
    {
        var problems = new List<string>();
        async Task Expect(string what, HttpStatusCode expected, string? code, string? scheme, string? tok, string? proof, HttpClient? via = null)
        {
            var (status, body) = await AuthBenchHost.TrySendAsync(via ?? client, scheme, tok, proof);
            if (status != expected || (code is not null && !body.Contains($"\"{code}\"", StringComparison.Ordinal)))
                problems.Add($"{what}: expected {(int)expected} {code}, got {(int)status} {body}");
        }

        if (name == "DpopProofOnly")
        {
            var proof = DpopProofs.Proof(key!, "GET", htu, token);
            await Expect("the proof is accepted", HttpStatusCode.OK, null, "DPoP", token, proof);
            return problems;
        }
        for (var i = 0; i < 20; i++)
        {
            var proof = name == "Dpop" ? DpopProofs.Proof(key!, "GET", htu, token) : null;
            await Expect($"request {i}", HttpStatusCode.OK, null, name == "Anonymous" ? null : name == "Dpop" ? "DPoP" : "Bearer", name == "Anonymous" ? null : token, proof);
        }
        using var stranger = new TestIssuer("https://stranger.test");
        switch (name)
        {
            case "Anonymous":
                await Expect("an invalid token is still refused", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", "not-a-jwt", null);
                break;
            case "Bearer":
            case "TlsBearer":
                await Expect("a token of another issuer", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", stranger.Token(), null);
                if (name == "TlsBearer" && host.BaseAddress.Scheme != "https")
                    problems.Add("not over https");
                break;
            case "Dpop":
                await Expect("the bound token without a proof", HttpStatusCode.Unauthorized, "INVALID_DPOP_PROOF", "DPoP", token, null);
                await Expect("the bound token as Bearer", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", token, null);
                var once = DpopProofs.Proof(key!, "GET", htu, token);
                await Expect("a fresh proof", HttpStatusCode.OK, null, "DPoP", token, once);
                await Expect("the same proof again", HttpStatusCode.Unauthorized, "REPLAY_DENIED", "DPoP", token, once);
                using (var otherKey = ProofKey.Ec("ES256"))
                    await Expect("another key's proof", HttpStatusCode.Unauthorized, "INVALID_DPOP_PROOF", "DPoP", token, DpopProofs.Proof(otherKey, "GET", htu, token));
                break;
            case "TlsMtls":
                if (host.BaseAddress.Scheme != "https")
                    problems.Add("not over https");
                using (var noCert = host.Client(null))
                    await Expect("the bound token without a client certificate", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", token, null, noCert);
                using (var otherCert = host.Client(host.Pki!.OtherClient))
                    await Expect("the bound token with another certificate of the CA", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", token, null, otherCert);
                break;
        }
        return problems;
    }
}
