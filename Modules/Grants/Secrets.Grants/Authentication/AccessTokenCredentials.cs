using Secrets.Shared.Kernel;

namespace Secrets.Grants.Authentication;

/// <summary>
/// The scheme and token of one <c>Authorization</c> header: <c>Bearer</c> or <c>DPoP</c> (case-insensitive)
/// and one RFC 6750 b64token, never longer than <see cref="AuthenticationOptions.MaxTokenLength"/>. A null
/// scheme is another scheme; a null token is a missing or malformed one. Null for no or several headers.
/// </summary>
internal sealed record AccessTokenCredentials(string? Scheme, string? Token)
{
    public static AccessTokenCredentials? From(Microsoft.Extensions.Primitives.StringValues authorization)
    {
        if (authorization.Count != 1)
            return null;
        var text = authorization[0].AsSpan().Trim();
        var space = text.IndexOf(' ');
        var name = space < 0 ? text : text[..space];
        string? scheme = name.Equals(Challenges.Bearer, StringComparison.OrdinalIgnoreCase) ? Challenges.Bearer
            : name.Equals(Challenges.Dpop, StringComparison.OrdinalIgnoreCase) ? Challenges.Dpop
            : null;
        if (scheme is null || space < 0)
            return new(scheme, null);
        var token = text[(space + 1)..].Trim();
        return token.Length is 0 or > AuthenticationOptions.MaxTokenLength || token.IndexOfAny(' ', '\t') >= 0
            ? new(scheme, null)
            : new(scheme, token.ToString());
    }
}
