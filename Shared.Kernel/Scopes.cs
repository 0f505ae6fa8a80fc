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
public sealed record ScopeEnforcement(bool Enabled)
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
            throw Refusal(caller, missing);
    }

    public static SecretsProblem Refusal(Caller caller, string scope)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(ErrorCode.InsufficientScope, detail: $"the access token lacks the scope {scope}")
        {
            Headers = [Challenges.WwwAuthenticate(Challenges.SchemeOf(caller), "insufficient_scope", $"requires {scope}", ("scope", scope))],
        };
    }
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

    public static KeyValuePair<string, string> WwwAuthenticate(string scheme, string? error, string? description, params ReadOnlySpan<(string Name, string Value)> extra) =>
        new(Header, Build(scheme, error, description, extra));

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
