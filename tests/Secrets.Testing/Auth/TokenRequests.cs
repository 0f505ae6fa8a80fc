using Shouldly;

namespace Secrets.Testing.Auth;

/// <summary>
/// The requests of the authentication tests against a host's TestServer (the request URL, hence a DPoP proof's
/// <c>htu</c>, is <c>http://localhost/&lt;path&gt;</c>): the value they read, Authorization headers sent as they
/// are, and requests with a DPoP-bound token and its proofs.
/// </summary>
public static class TokenRequests
{
    /// <summary>GET of <c>yaml://secret/env#MY_API_KEY</c>, whose value is <see cref="Value"/>.</summary>
    public const string ValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";
    public const string Value = "dev-api-key";
    public const string OtherValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23OTHER";
    public const string ValueHtu = "http://localhost/api/secrets/value";
    public const string WriteHtu = "http://localhost/api/secrets";

    /// <summary>A request with <c>Authorization: &lt;scheme&gt; &lt;token&gt;</c> and one DPoP header per proof.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string scheme, string token, params string[] proofs)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
        foreach (var proof in proofs)
            request.Headers.TryAddWithoutValidation("DPoP", proof);
        return request;
    }

    /// <summary>GET <paramref name="path"/> with the Authorization header values given as is (none, one or several).</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, params string[] authorization)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization.Length > 0)
            request.Headers.TryAddWithoutValidation("Authorization", authorization).ShouldBeTrue();
        return client.SendAsync(request);
    }

    /// <summary>GET <see cref="ValuePath"/> with the Authorization header values given as is.</summary>
    public static Task<HttpResponseMessage> GetValueAsync(HttpClient client, params string[] authorization) =>
        GetAsync(client, ValuePath, authorization);

    /// <summary>GET <see cref="ValuePath"/> with <paramref name="token"/> in the Bearer scheme.</summary>
    public static Task<HttpResponseMessage> ReadWithTokenAsync(HttpClient client, string token) =>
        GetValueAsync(client, "Bearer " + token);

    /// <summary>GET <paramref name="path"/> with a DPoP-bound <paramref name="token"/> and a fresh, valid proof of <paramref name="key"/>.</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, ProofKey key, string token, string path = ValuePath,
        string htu = ValueHtu, string? nonce = null, Action<JwsBuilder>? edit = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var proof = DpopProofs.Proof(key, "GET", htu, token, nonce, edit);
        return client.SendAsync(Request(HttpMethod.Get, path, "DPoP", token, proof));
    }
}
