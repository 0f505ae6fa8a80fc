namespace Secrets.Shared.Kernel;

/// <summary>
/// The host's own endpoints that stay anonymous and unlimited (docs/API.md#host-endpoints): health, metrics, the OpenAPI
/// document and reference pages, and well-known discovery documents. A path matches on whole segments,
/// case-insensitively (<c>/health/live</c> yes, <c>/healthz</c> no).
/// </summary>
public static class AnonymousPaths
{
    public static IReadOnlyList<string> Prefixes { get; } = ["/health", "/metrics", "/swagger", "/docs", "/.well-known"];

    public static bool Contains(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return false;
        foreach (var prefix in Prefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/'))
                return true;
        }
        return false;
    }
}
