using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>
/// A token that passed validation is remembered (by its SHA-256) so that the same token again skips the
/// signature check; what a remembered token must still pass is checked on every use.
/// </summary>
public sealed class BearerRememberedTokenTests
{
    /// <summary>These tests send one token for one secret more than once: the token replay guard would refuse the second.</summary>
    private static readonly (string, string?) GuardOff = ("TOKEN_REPLAY_GUARD", "false");

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        using var issuer = new TestIssuer();
        using var host = new SecretsHostFactory(SecretsHostFactory.Trusting(issuer, ("OIDC_CLOCK_SKEW_S", "0"), GuardOff));
        var client = host.CreateClient();
        var token = issuer.Token(b => b.Claims["exp"] = issuer.NowSeconds() + 2);

        await (await TokenRequests.ReadWithTokenAsync(client, token)).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, token)).ShouldReadTheValueAsync();
        await Task.Delay(TimeSpan.FromSeconds(3.2));

        await (await TokenRequests.ReadWithTokenAsync(client, token)).ShouldBeInvalidTokenAsync("the token has expired");
    }

    [Fact]
    public async Task A_refused_token_is_not_remembered_and_a_token_differing_in_one_character_is_checked_afresh()
    {
        using var issuer = new TestIssuer();
        using var host = new SecretsHostFactory(SecretsHostFactory.Trusting(issuer, GuardOff));
        var client = host.CreateClient();
        var token = issuer.Token();
        await (await TokenRequests.ReadWithTokenAsync(client, token)).ShouldReadTheValueAsync();

        var tampered = Jose.WithSignatureTampered(token);
        await (await TokenRequests.ReadWithTokenAsync(client, tampered)).ShouldBeInvalidTokenAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, tampered)).ShouldBeInvalidTokenAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, token)).ShouldReadTheValueAsync();
    }
}
