using Secrets.Client.Authentication;

namespace Secrets.Client.Tests;

/// <summary>A token source that mints a fresh token per request, as a client with a token cache miss would.</summary>
internal sealed class MintingTokenSource(Func<string> mint) : ISecretsTokenSource
{
    public int Calls { get; private set; }

    public ValueTask<string?> GetTokenAsync(CancellationToken ct)
    {
        Calls++;
        return ValueTask.FromResult<string?>(mint());
    }
}

/// <summary>Counts what passes through it and what came back: sits between the client's handlers and the server.</summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    public List<(HttpRequestMessage Request, System.Net.HttpStatusCode Status, string? Dpop)> Seen { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var proof = request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null;
        var response = await base.SendAsync(request, cancellationToken);
        Seen.Add((request, response.StatusCode, proof));
        return response;
    }
}
