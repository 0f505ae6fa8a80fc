using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>A read map and its version (null where the store keeps no versions).</summary>
internal sealed record KvEntry(SecretMap Data, int? Version);
