using System.Net;
using System.Net.Http.Headers;
using Secrets.Client.Dpop;

namespace Secrets.Client.Authentication;

/// <summary>
/// Puts the caller on every request: <c>Authorization: Bearer</c>, or with a DPoP key <c>Authorization: DPoP</c> and a
/// fresh proof bound to the token (<c>ath</c>). It keeps the last <c>DPoP-Nonce</c> the service sent and uses it in
/// the next proofs; a 401 <c>use_dpop_nonce</c> is answered by sending the request once more with the new nonce
/// (RFC 9449 §8). It sits inside the retry handler, so every attempt carries its own proof.
/// </summary>
public sealed class SecretsAuthenticationHandler(ISecretsTokenSource tokens, DpopProofFactory? dpop) : DelegatingHandler
{
    private const string NonceHeader = "DPoP-Nonce";
    private volatile string? nonce;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(cancellationToken);
        var response = await SendWithProofAsync(request, token, cancellationToken);
        if (dpop is null || token is null || response.StatusCode != HttpStatusCode.Unauthorized || !AsksForNonce(response))
            return response;
        response.Dispose();
        return await SendWithProofAsync(request, token, cancellationToken);   // the nonce it just sent is now the one to use
    }

    private async Task<HttpResponseMessage> SendWithProofAsync(HttpRequestMessage request, string? token, CancellationToken ct)
    {
        request.Headers.Remove("DPoP");
        request.Headers.Authorization = null;
        if (token is not null)
        {
            if (dpop is null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", token);
                request.Headers.Add("DPoP", dpop.Create(request.Method, request.RequestUri!, token, nonce));
            }
        }
        var response = await base.SendAsync(request, ct);
        if (response.Headers.TryGetValues(NonceHeader, out var values) && values.FirstOrDefault() is { Length: > 0 } fresh)
            nonce = fresh;
        return response;
    }

    private static bool AsksForNonce(HttpResponseMessage response) =>
        response.Headers.WwwAuthenticate.Any(c => string.Equals(c.Scheme, "DPoP", StringComparison.OrdinalIgnoreCase)
            && c.Parameter?.Contains("use_dpop_nonce", StringComparison.Ordinal) == true)
        && response.Headers.Contains(NonceHeader);
}
