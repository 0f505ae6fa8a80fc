using Cronos;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// One schedule of the schedule file (docs/API.md#scheduled-rotation): the key it rotates (<see cref="Uri"/>, with its
/// #fragment), when (<see cref="Cron"/> in <see cref="TimeZone"/>), to what (<see cref="Generate"/>), with a random
/// delay of up to <see cref="Jitter"/> after each due time, and how late an occurrence missed while no node ran may
/// still be caught up (<see cref="CatchUp"/>).
/// </summary>
internal sealed record RotationSchedule(
    string Name,
    CanonicalSecretUri Uri,
    string Cron,
    CronExpression Expression,
    string TimeZoneId,
    TimeZoneInfo TimeZone,
    GenerateSpec Generate,
    TimeSpan Jitter,
    TimeSpan CatchUp,
    bool Enabled)
{
    /// <summary>How long after its due time (plus jitter and catch-up) an occurrence may still run, for slow wake-ups.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <summary>How long an occurrence's lease outlives the last moment any node may still run it (clock skew between nodes).</summary>
    private static readonly TimeSpan LeaseSlack = TimeSpan.FromHours(1);

    /// <summary>The first occurrence strictly after <paramref name="instant"/>, in UTC; null when the expression never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => Expression.GetNextOccurrence(instant, TimeZone)?.ToUniversalTime();

    /// <summary>The latest occurrence in (<paramref name="after"/>, <paramref name="upTo"/>], in UTC, or null.</summary>
    public DateTimeOffset? LatestBetween(DateTimeOffset after, DateTimeOffset upTo) =>
        Expression.GetPreviousOccurrence(upTo, TimeZone, inclusive: true) is { } latest && latest > after ? latest.ToUniversalTime() : null;

    /// <summary>The last moment any node may still run <paramref name="occurrence"/>; after it the occurrence is given up.</summary>
    public DateTimeOffset RunDeadline(DateTimeOffset occurrence) => occurrence + Jitter + CatchUp + Grace;

    /// <summary>When the lease of <paramref name="occurrence"/> may be forgotten: well after any node could still run it.</summary>
    public DateTimeOffset LeaseExpiry(DateTimeOffset occurrence) => RunDeadline(occurrence) + LeaseSlack;
}
