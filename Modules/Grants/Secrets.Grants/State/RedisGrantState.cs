namespace Secrets.Grants.State;

/// <summary>Grant state in Redis (<c>REDIS_URL</c>).</summary>
internal sealed class RedisGrantState
{
    public static IGrantState Connect(string configuration, TimeProvider time) =>
        throw new NotSupportedException("REDIS_URL is not supported yet");
}
