using Microsoft.Extensions.Configuration;
using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

/// <summary>DPoP settings from configuration, and the challenge the caller sends with a 401.</summary>
public sealed class DpopOptionsTests
{
    private static DpopOptions From(params (string Key, string Value)[] settings) =>
        DpopOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Defaults_are_a_300_s_window_no_nonce_and_every_supported_alg()
    {
        var options = From();
        options.ReplayWindowSeconds.ShouldBe(300);
        options.NonceRequired.ShouldBeFalse();
        options.Algorithms.ShouldBe(DpopAlgorithms.Supported);
        options.FutureSkew.ShouldBe(TimeSpan.FromSeconds(5));
        options.ReplayHold.ShouldBe(TimeSpan.FromSeconds(305));
        options.MaxProofLength.ShouldBe(8192);
    }

    [Fact]
    public void Settings_are_read_from_their_variables()
    {
        var options = From(("ANTI_REPLAY_TTL_S", "60"), ("DPOP_NONCE_REQUIRED", "true"), ("DPOP_SIGNING_ALGS", "ES256, EdDSA"));
        options.ReplayWindowSeconds.ShouldBe(60);
        options.NonceRequired.ShouldBeTrue();
        options.Algorithms.ShouldBe(["ES256", "EdDSA"]);
    }

    [Theory]
    [InlineData("ANTI_REPLAY_TTL_S", "0")]
    [InlineData("ANTI_REPLAY_TTL_S", "five")]
    [InlineData("DPOP_NONCE_REQUIRED", "maybe")]
    [InlineData("DPOP_SIGNING_ALGS", "ES256,HS256")]
    [InlineData("DPOP_SIGNING_ALGS", "none")]
    public void Bad_settings_fail_naming_the_variable(string key, string value)
    {
        var read = () => From((key, value));
        read.ShouldThrow<InvalidOperationException>().Message.ShouldStartWith(key);
    }

    [Fact]
    public void The_challenge_names_the_error_its_description_and_the_algs()
    {
        new DpopFailure(DpopFailure.InvalidProof, "the iat is too old").WwwAuthenticate(["ES256", "PS256"])
            .ShouldBe("DPoP error=\"invalid_dpop_proof\", error_description=\"the iat is too old\", algs=\"ES256 PS256\"");
        DpopChallenge.Build(["ES256"]).ShouldBe("DPoP algs=\"ES256\"");
        DpopChallenge.Build(["ES256"], "use_dpop_nonce", "say \"nonce\"\n")
            .ShouldBe("DPoP error=\"use_dpop_nonce\", error_description=\"say \\\"nonce\\\" \", algs=\"ES256\"");
    }
}
