using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.HostStartup;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>Authentication settings the host refuses to start with; the error names the setting.</summary>
public sealed class BearerStartupTests
{
    private static string JwksFile()
    {
        using var issuer = new TestIssuer();
        var settings = SecretsHostFactory.Trusting(issuer);
        return settings["OIDC_JWKS_PATH"]!;
    }

    [Fact]
    public void Require_auth_without_a_key_source_refuses_to_start() =>
        HostWith(("SECRETS_API_REQUIRE_AUTH", "true")).ShouldRefuseToStart("SECRETS_API_REQUIRE_AUTH=true needs a key source", "OIDC_AUTHORITY");

    [Fact]
    public void A_jwks_path_without_oidc_issuer_refuses_to_start() =>
        HostWith(("OIDC_JWKS_PATH", JwksFile())).ShouldRefuseToStart("OIDC_JWKS_PATH", "need OIDC_ISSUER");

    [Fact]
    public void A_jwks_url_without_oidc_issuer_refuses_to_start() =>
        HostWith(("OIDC_JWKS_URL", "http://127.0.0.1:1/jwks")).ShouldRefuseToStart("OIDC_JWKS_URL", "need OIDC_ISSUER");

    [Fact]
    public void An_authority_and_a_jwks_path_together_refuse_to_start() =>
        HostWith(("OIDC_ISSUER", TestIssuer.DefaultIssuer), ("OIDC_JWKS_PATH", JwksFile()), ("OIDC_AUTHORITY", "http://127.0.0.1:1")).ShouldRefuseToStart("set one key source", "OIDC_AUTHORITY", "OIDC_JWKS_PATH");

    [Fact]
    public void A_jwks_path_and_a_jwks_url_together_refuse_to_start() =>
        HostWith(("OIDC_ISSUER", TestIssuer.DefaultIssuer), ("OIDC_JWKS_PATH", JwksFile()), ("OIDC_JWKS_URL", "http://127.0.0.1:1/jwks")).ShouldRefuseToStart("set one key source");

    [Fact]
    public void Prod_with_require_auth_false_refuses_to_start() =>
        HostWith(
            ("ENVIRONMENT", "prod"), ("ENABLE_YAML_PROVIDER", "false"), ("SECRETS_API_REQUIRE_AUTH", "false"),
            ("OIDC_ISSUER", TestIssuer.DefaultIssuer), ("OIDC_JWKS_PATH", JwksFile())).ShouldRefuseToStart("ENVIRONMENT=prod refuses SECRETS_API_REQUIRE_AUTH=false");

    [Fact]
    public void Prod_with_enforce_scopes_false_refuses_to_start() =>
        HostWith(
            ("ENVIRONMENT", "prod"), ("ENABLE_YAML_PROVIDER", "false"), ("SECRETS_ENFORCE_SCOPES", "false"),
            ("OIDC_ISSUER", TestIssuer.DefaultIssuer), ("OIDC_JWKS_PATH", JwksFile())).ShouldRefuseToStart("ENVIRONMENT=prod refuses SECRETS_ENFORCE_SCOPES=false");

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("RS256,EdDSA")]
    [InlineData("rs256")]
    [InlineData(",")]
    public void A_bad_oidc_signing_algs_value_refuses_to_start(string algs) =>
        HostWith(("OIDC_SIGNING_ALGS", algs)).ShouldRefuseToStart("OIDC_SIGNING_ALGS");

    [Fact]
    public void A_relative_oidc_authority_refuses_to_start() =>
        HostWith(("OIDC_AUTHORITY", "issuer.test")).ShouldRefuseToStart("OIDC_AUTHORITY must be an absolute URL");
}
