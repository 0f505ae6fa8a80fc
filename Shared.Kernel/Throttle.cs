namespace Secrets.Shared.Kernel;

/// <summary>
/// Lets one occurrence through per interval and counts the others: while a dependency is away every request fails the
/// same way, and one log line a second with the count says as much as ten thousand lines. Thread-safe.
/// </summary>
public sealed class Throttle(TimeSpan interval, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private long nextTimestamp = long.MinValue;
    private long suppressed;

    /// <summary>True for the first occurrence of an interval, with how many were held back since the last one let through.</summary>
    public bool TryPass(out long heldBack)
    {
        var now = clock.GetTimestamp();
        var next = Interlocked.Read(ref nextTimestamp);
        if (now >= next && Interlocked.CompareExchange(ref nextTimestamp, now + (long)(interval.TotalSeconds * clock.TimestampFrequency), next) == next)
        {
            heldBack = Interlocked.Exchange(ref suppressed, 0);
            return true;
        }
        Interlocked.Increment(ref suppressed);
        heldBack = 0;
        return false;
    }
}
