using Secrets.Testing.Auth;

namespace Secrets.Soak;

/// <summary>
/// The soak's issuer and tokens: the host reads the issuer's keys from jwks.json (<c>OIDC_JWKS_PATH</c>), and the
/// load generator sends app.txt or intruder.txt. Both tokens carry every scope, no jti (a client's long-lived token is
/// not spent per request) and live a day, longer than any run.
/// </summary>
internal static class SoakTokens
{
    public const string AppSubject = "soak-app";
    public const string IntruderSubject = "soak-intruder";
    private const string ClientId = "soak-client";

    public static int Mint(string dir)
    {
        Directory.CreateDirectory(dir);
        using var issuer = new TestIssuer("https://soak-issuer.test");
        issuer.WriteJwks(Path.Combine(dir, "jwks.json"));
        File.WriteAllText(Path.Combine(dir, "issuer.txt"), issuer.Issuer);
        File.WriteAllText(Path.Combine(dir, "app.txt"), issuer.Token(TestIssuer.LongLived(AppSubject, ClientId, TimeSpan.FromDays(1))));
        File.WriteAllText(Path.Combine(dir, "intruder.txt"), issuer.Token(TestIssuer.LongLived(IntruderSubject, ClientId, TimeSpan.FromDays(1))));
        Console.WriteLine($"minted the soak issuer and tokens in {dir}");
        return 0;
    }
}
