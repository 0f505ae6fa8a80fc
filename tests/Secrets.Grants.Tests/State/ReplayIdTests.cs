using System.Security.Cryptography;
using Secrets.Grants.State;

namespace Secrets.Grants.Tests.State;

public sealed class ReplayIdTests
{
    private static readonly GrantKey Grant = new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    [Fact]
    public void Digest_is_fixed_length_lower_hex_without_client_text()
    {
        var jti = "client-jti-" + new string('x', 5_000) + "\n{}:*";

        ReplayId[] ids = [ReplayId.ForDpopProof("jkt-canary", jti), ReplayId.ForTokenForGrant(Grant, "dpop:jkt-canary", jti)];

        foreach (var id in ids)
        {
            id.Digest.ToString().Length.ShouldBe(64);
            id.Digest.ToString().ShouldAllBe(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
            id.ToString().ShouldNotContain("canary");
            id.ToString().ShouldNotContain("client-jti");
        }
        ids[0].Scope.ShouldBe(ReplayScope.DpopProof);
        ids[1].Scope.ShouldBe(ReplayScope.TokenForGrant);
    }

    [Fact]
    public void Digest_text_is_the_sha256_in_hex_so_redis_keys_stay_as_they_were()
    {
        var sha = SHA256.HashData("replay"u8);

        ReplayDigest.Of(sha).ToString().ShouldBe(Convert.ToHexStringLower(sha));
        ReplayDigest.Of(sha).ShouldBe(ReplayDigest.Of(sha.ToArray()));
    }

    [Fact]
    public void Same_values_give_the_same_id()
    {
        ReplayId.ForDpopProof("jkt", "jti").ShouldBe(ReplayId.ForDpopProof("jkt", "jti"));
        ReplayId.ForTokenForGrant(Grant, null, "jti").ShouldBe(ReplayId.ForTokenForGrant(Grant, null, "jti"));
    }

    [Theory]
    [InlineData("ab", "c", "a", "bc")]
    [InlineData("a\n1:b", "c", "a", "b\n1:c")]
    [InlineData("a", "", "", "a")]
    public void Different_tuples_with_the_same_text_give_different_ids(string jkt1, string jti1, string jkt2, string jti2) =>
        ReplayId.ForDpopProof(jkt1, jti1).ShouldNotBe(ReplayId.ForDpopProof(jkt2, jti2));

    [Fact]
    public void Unbound_empty_and_literal_bindings_give_different_ids()
    {
        var ids = new[] { null, "", "0", "1", "10" }.Select(b => ReplayId.ForTokenForGrant(Grant, b, "jti").Digest).ToArray();

        ids.Distinct().Count().ShouldBe(ids.Length);
    }

    [Fact]
    public void Claim_expiry_rounds_up_to_a_whole_millisecond_only_when_it_is_not_one()
    {
        var whole = new DateTimeOffset(2030, 1, 1, 8, 0, 0, 250, TimeSpan.Zero);

        IReplayWindow.ClaimExpiry(whole).ShouldBe(whole);
        IReplayWindow.ClaimExpiry(whole.AddTicks(1)).ShouldBe(whole.AddMilliseconds(1));
        IReplayWindow.ClaimExpiry(whole.AddTicks(TimeSpan.TicksPerMillisecond - 1)).ShouldBe(whole.AddMilliseconds(1));
    }
}
