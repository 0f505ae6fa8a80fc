namespace Secrets.Host;

/// <summary><c>MAX_REQUEST_BODY_BYTES</c> (default 1 MiB).</summary>
internal sealed record HostLimits(long MaxRequestBodyBytes);
