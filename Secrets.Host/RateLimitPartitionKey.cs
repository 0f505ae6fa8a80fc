using System.Net;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// Whose bucket a request draws from: the caller's client id when it has one, else its remote address,
/// so anonymous callers from one address share a bucket. A struct of references the request already
/// holds: no string is built per request (<see cref="ToString"/> is for logs only).
/// </summary>
internal readonly record struct RateLimitPartitionKey(RateLimitPartitionKind Kind, string? ClientId, IPAddress? Address)
{
    public static readonly RateLimitPartitionKey Exempt = new(RateLimitPartitionKind.Exempt, null, null);

    public static RateLimitPartitionKey For(HttpContext http)
    {
        if (http.Features.Get<Caller>()?.ClientId is { Length: > 0 } clientId)
            return new(RateLimitPartitionKind.Client, clientId, null);
        var address = http.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
            address = address.MapToIPv4();   // one client over a dual-stack socket is still one address
        return new(RateLimitPartitionKind.Address, null, address);
    }

    public override string ToString() => Kind switch
    {
        RateLimitPartitionKind.Client => "client:" + ClientId,
        RateLimitPartitionKind.Address => "ip:" + (Address?.ToString() ?? "unknown"),
        _ => "exempt",
    };
}
