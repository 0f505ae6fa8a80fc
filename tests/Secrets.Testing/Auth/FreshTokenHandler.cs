using System.Net.Http.Headers;

namespace Secrets.Testing.Auth;

/// <summary>
/// Sends every request with a newly minted bearer token, as a client that fetches a token per call does:
/// the token replay guard accepts a token once per secret and purpose, so a helper that writes and reads
/// the same secret again (arranging a test) needs a token per request.
/// </summary>
public sealed class FreshTokenHandler(Func<string> mint) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mint());
        return base.SendAsync(request, cancellationToken);
    }
}
