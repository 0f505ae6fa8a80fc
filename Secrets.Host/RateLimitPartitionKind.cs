namespace Secrets.Host;

internal enum RateLimitPartitionKind : byte
{
    Exempt,
    Client,
    Address,
}
