using Secrets.Testing;

namespace Secrets.Grants.Tests.State;

/// <summary>The classes that share one Redis-compatible server (Garnet in process) as their collection fixture.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
