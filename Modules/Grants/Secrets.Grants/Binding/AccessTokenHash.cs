using System.Security.Cryptography;
using System.Text;

namespace Secrets.Grants.Binding;

/// <summary>The DPoP <c>ath</c> claim (RFC 9449 §4.2): base64url(SHA-256(ASCII(access token))).</summary>
internal static class AccessTokenHash
{
    /// <summary>The <c>ath</c> of <paramref name="accessToken"/>; a token outside ASCII (never valid token68) hashes its '?' replacement and so matches nothing real.</summary>
    public static string Of(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(accessToken), digest);
        return Base64UrlStrict.Encode(digest);
    }

    /// <summary>Whether <paramref name="ath"/> is the hash of <paramref name="accessToken"/>, compared in fixed time.</summary>
    public static bool Matches(string ath, string accessToken) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ath), Encoding.ASCII.GetBytes(Of(accessToken)));
}
