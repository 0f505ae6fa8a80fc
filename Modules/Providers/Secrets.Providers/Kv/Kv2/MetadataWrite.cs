namespace Secrets.Providers.Kv.Kv2;

/// <summary>How a custom-metadata write under OpenBao's metadata check-and-set ended.</summary>
internal enum MetadataWrite
{
    Written,

    /// <summary><c>metadata check-and-set parameter required for this call</c>: the key or the mount asks for <c>metadata_cas</c>.</summary>
    CasRequired,

    /// <summary>Another writer got in between: the count sent was not the current one (or the key came or went).</summary>
    CasConflict,
}
