using Secrets.Shared.Kernel;

namespace Secrets.Grants.Listings;

/// <summary>
/// What a resource search permitted (canonical URIs and <c>&lt;prefix&gt;/*</c> patterns), asked of each entry of a listing
/// as the PDP would answer it: a secret is shown when it is named or below a pattern; a folder (<c>…/name/*</c>) only when
/// a pattern covers all of it, as a rule on the folder's prefix would permit it.
/// </summary>
internal sealed class PermittedSet
{
    private readonly HashSet<string> secrets = new(StringComparer.Ordinal);
    private readonly List<CanonicalSecretUri> patterns = [];

    public PermittedSet(IEnumerable<string> resources)
    {
        foreach (var resource in resources)
        {
            if (!CanonicalSecretUri.TryParse(resource, null, UriAllowance.Prefix, out var uri, out _) || uri.Fragment is not null)
                continue;   // not a secret this service names: permits nothing
            if (uri.IsPrefix)
                patterns.Add(uri);
            else
                secrets.Add(uri.ToString());
        }
    }

    public bool Permits(CanonicalSecretUri entry)
    {
        if (!entry.IsPrefix && secrets.Contains(entry.ToString()))
            return true;
        foreach (var pattern in patterns)
        {
            if (pattern.Scheme == entry.Scheme && pattern.Mount == entry.Mount && Covers(pattern.Path, entry.Path, entry.IsPrefix))
                return true;
        }
        return false;
    }

    /// <summary>Whether the pattern <c>parent/*</c> covers <paramref name="path"/>: a secret strictly below it, a folder at or below it.</summary>
    private static bool Covers(string parent, string path, bool folder) =>
        parent.Length == 0
            ? path.Length > 0 || folder
            : (folder && path == parent) || (path.Length > parent.Length + 1 && path[parent.Length] == '/' && path.StartsWith(parent, StringComparison.Ordinal));
}
