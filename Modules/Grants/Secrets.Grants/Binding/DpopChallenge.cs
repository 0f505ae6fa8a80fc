using Secrets.Shared.Kernel;

namespace Secrets.Grants.Binding;

/// <summary>The <c>WWW-Authenticate</c> value of a DPoP challenge (RFC 9449 §7.1), e.g. <c>DPoP error="…", error_description="…", algs="ES256 PS256"</c>.</summary>
internal static class DpopChallenge
{
    public static string Build(IEnumerable<string> algorithms, string? error = null, string? description = null) =>
        Challenges.For(Challenges.Dpop, algorithms, error, description);
}
