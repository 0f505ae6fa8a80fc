namespace Secrets.Providers.Contracts;

/// <summary>
/// What a provider can do (docs/PROVIDERS.md). A request names what it needs; the access pipeline
/// answers 501 <c>OPERATION_NOT_SUPPORTED</c> before anything is authorised when the provider lacks it.
/// </summary>
[Flags]
public enum KvCapabilities
{
    None = 0,
    Read = 1,
    PinnedRead = 2,
    Write = 4,
    CheckAndSet = 8,
    SoftDelete = 16,
    Undelete = 32,
    Destroy = 64,
    List = 128,
    CustomMetadata = 256,
    /// <summary>Version history and timestamps (KVv2 metadata).</summary>
    VersionMetadata = 512,
    /// <summary>The plain map read of <c>GET /api/secrets</c>, a dev helper of the YAML provider.</summary>
    DevRead = 1024,
}
