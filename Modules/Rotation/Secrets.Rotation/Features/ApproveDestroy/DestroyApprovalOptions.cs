namespace Secrets.Rotation.Features.ApproveDestroy;

/// <summary>
/// <c>DESTROY_REQUIRES_APPROVAL</c> (default true in prod, false in dev and test) and <c>APPROVAL_TTL_S</c> (how long a
/// pending approval can be approved; default 3600, 60 to 604800) (docs/CONFIGURATION.md).
/// </summary>
internal sealed record DestroyApprovalOptions(bool Required, TimeSpan Ttl)
{
    public const int DefaultTtlSeconds = 3600;
    public const int LeastTtlSeconds = 60;
    public const int MostTtlSeconds = 7 * 24 * 3600;

    /// <summary>How long an approval's record is kept after it expired, so that a late approve is 409 <c>APPROVAL_EXPIRED</c>, not 404.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>How often a node looks for the approvals it requested that expired while pending.</summary>
    public TimeSpan SweepInterval => Ttl < TimeSpan.FromSeconds(30) ? Ttl : TimeSpan.FromSeconds(30);
}
