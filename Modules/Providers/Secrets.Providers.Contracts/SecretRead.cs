using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>What a read found: the whole map, the value the URI names (the map, or its fragment's key) and the version (null where the provider keeps none).</summary>
public sealed record SecretRead(SecretMap Map, SecretValue Value, int? Version);
