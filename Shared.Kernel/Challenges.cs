using System.Text;

namespace Secrets.Shared.Kernel;

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
