using Secrets.Shared.Kernel;

namespace Secrets.Policy.Embedded;

/// <summary>
/// A resource pattern: a canonical secret URI, exact (optionally with a fragment) or with a terminal
/// <c>/*</c> (a bare mount is the same as <c>mount/*</c>). Provider, engine and mount always match exactly.
/// </summary>
internal sealed class ResourcePattern
{
    private readonly string scheme;
    private readonly string mount;
    private readonly string path;
    private readonly string? fragment;
    private readonly bool isPrefix;
    private readonly string below;   // path + "/": what every path below a prefix pattern starts with

    public ResourcePattern(CanonicalSecretUri pattern)
    {
        scheme = pattern.Scheme;
        mount = pattern.Mount;
        path = pattern.Path;
        fragment = pattern.Fragment;
        isPrefix = pattern.IsPrefix;
        below = path.Length == 0 ? "" : path + "/";
        Uri = pattern;
        Text = pattern.ToString();
    }

    /// <summary>The pattern as a URI: a secret (exact) or a listing (prefix), as a question about it is asked.</summary>
    public CanonicalSecretUri Uri { get; }

    /// <summary>The pattern in canonical form.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    public bool Matches(CanonicalSecretUri uri)
    {
        if (!string.Equals(uri.Scheme, scheme, StringComparison.Ordinal) || !string.Equals(uri.Mount, mount, StringComparison.Ordinal))
            return false;
        if (!isPrefix)   // one path: any of its keys, or just the pattern's key; never a listing
            return !uri.IsPrefix && string.Equals(uri.Path, path, StringComparison.Ordinal)
                && (fragment is null || string.Equals(uri.Fragment, fragment, StringComparison.Ordinal));
        if (uri.IsPrefix && string.Equals(uri.Path, path, StringComparison.Ordinal))
            return true;   // a listing at the pattern's own level
        return uri.Path.StartsWith(below, StringComparison.Ordinal) && uri.Path.Length > below.Length;
    }
}
