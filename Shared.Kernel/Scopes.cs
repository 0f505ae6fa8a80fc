using System.Text;

namespace Secrets.Shared.Kernel;

/// <summary>
/// The OAuth scopes of SPEC §6 and which one each purpose needs (SPEC §4). Checked only with
/// <c>SECRETS_ENFORCE_SCOPES=true</c> (<see cref="ScopeEnforcement"/>).
/// </summary>
public static class SecretScopes
{
    public const string Read = "secrets.read";
    public const string Write = "secrets.write";
    public const string Delete = "secrets.delete";
    public const string Destroy = "secrets.destroy";
    public const string Rotate = "secrets.rotate";
    public const string ReadMetadata = "secrets.read_metadata";
    public const string SetOwner = "secrets.set_owner";
    public const string Admin = "secrets.admin";

    public static IReadOnlyList<string> All { get; } = [Read, Write, Delete, Destroy, Rotate, ReadMetadata, SetOwner, Admin];

    public static string For(Purpose purpose) => purpose switch
    {
        Purpose.Read or Purpose.Execute => Read,
        Purpose.Write => Write,
        Purpose.Delete or Purpose.Undelete => Delete,
        Purpose.DestroyVersions => Destroy,
        Purpose.Rotate => Rotate,
        Purpose.ReadMetadata => ReadMetadata,
        Purpose.OwnerUpdate => SetOwner,
        Purpose.Backup or Purpose.Restore => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };
}

/// <summary>
/// <c>SECRETS_ENFORCE_SCOPES</c> (default off in dev and test, on in prod). A missing scope is 403
/// <c>INSUFFICIENT_SCOPE</c> naming the scope, with the RFC 6750 challenge.
/// </summary>
public sealed record ScopeEnforcement(bool Enabled, IReadOnlyList<string> DpopAlgorithms)
{
    /// <summary>The missing scope for <paramref name="scope"/>, or null when the caller may go on.</summary>
    public string? Missing(Caller caller, string scope)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return !Enabled || caller.Scopes.Contains(scope) ? null : scope;
    }

    /// <summary>Throws 403 <c>INSUFFICIENT_SCOPE</c> when scopes are enforced and the caller lacks <paramref name="scope"/>.</summary>
    public void Demand(Caller caller, string scope)
    {
        if (Missing(caller, scope) is { } missing)
            throw new SecretsProblem(ErrorCode.InsufficientScope, detail: Detail(missing))
            {
                Headers = [new(Challenges.Header, Challenge(caller, missing))],
            };
    }

    /// <summary>The body detail of a scope refusal: it names the scope.</summary>
    public static string Detail(string scope) => $"the access token lacks the scope {scope}";

    /// <summary>The RFC 6750 §3.1 challenge, in the caller's scheme.</summary>
    public string Challenge(Caller caller, string scope) =>
        Challenges.For(Challenges.SchemeOf(caller), DpopAlgorithms, "insufficient_scope", $"requires {scope}", ("scope", scope));
}

/// <summary><c>WWW-Authenticate</c> challenges (RFC 6750 §3, RFC 9449 §7.1); every text in them is fixed server-side.</summary>
public static class Challenges
{
    public const string Header = "WWW-Authenticate";
    public const string Bearer = "Bearer";
    public const string Dpop = "DPoP";

    /// <summary>The scheme a caller's token came with: DPoP for DPoP-bound tokens, else Bearer.</summary>
    public static string SchemeOf(Caller caller) =>
        caller?.Binding?.Kind == SenderBindingKind.Dpop ? Dpop : Bearer;

    /// <summary>
    /// A challenge in <paramref name="scheme"/>: DPoP (with the accepted <c>algs</c>, RFC 9449 §7.1) or
    /// Bearer (RFC 6750 §3); <paramref name="extra"/> parameters (e.g. <c>scope</c>) come before <c>algs</c>.
    /// </summary>
    public static string For(string scheme, IEnumerable<string> dpopAlgorithms, string? error, string? description, params (string Name, string Value)[] extra)
    {
        ArgumentNullException.ThrowIfNull(dpopAlgorithms);
        return scheme == Dpop
            ? Build(Dpop, error, description, [.. extra, ("algs", string.Join(' ', dpopAlgorithms))])
            : Build(Bearer, error, description, extra);
    }

    public static string Build(string scheme, string? error, string? description, params ReadOnlySpan<(string Name, string Value)> extra)
    {
        var parts = new List<string>(2 + extra.Length);
        if (error is not null)
            parts.Add("error=" + Quote(error));
        if (error is not null && description is not null)
            parts.Add("error_description=" + Quote(description));
        foreach (var (name, value) in extra)
            parts.Add(name + "=" + Quote(value));
        return parts.Count == 0 ? scheme : scheme + " " + string.Join(", ", parts);
    }

    /// <summary>An RFC 9110 quoted-string; control characters, which a header cannot carry, become spaces.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
                quoted.Append('\\').Append(c);
            else
                quoted.Append(char.IsControl(c) ? ' ' : c);
        }
        return quoted.Append('"').ToString();
    }
}
