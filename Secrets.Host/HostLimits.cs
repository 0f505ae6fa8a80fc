namespace Secrets.Host;

/// <summary>
/// <c>MAX_REQUEST_BODY_BYTES</c> (default 1 MiB), and <c>BACKUP_MAX_BYTES</c> (default 1 GiB), the limit of the one
/// body that is an archive, not JSON: a restore's upload, which is spooled to a file, never held in memory.
/// </summary>
internal sealed record HostLimits(long MaxRequestBodyBytes, long MaxArchiveBytes = HostLimits.DefaultMaxArchiveBytes)
{
    public const long DefaultMaxArchiveBytes = 1024L * 1024 * 1024;

    public const string RestorePath = "/api/secrets/admin/restore";

    /// <summary>The limit of this request's body.</summary>
    public long For(HttpRequest request) =>
        request.Path.Equals(RestorePath, StringComparison.OrdinalIgnoreCase) ? Math.Max(MaxArchiveBytes, MaxRequestBodyBytes) : MaxRequestBodyBytes;
}
