namespace Secrets.Providers.DevServer.Tests;

/// <summary>A clock the tests move by hand; the server reads every timestamp from it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock gate = new();
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
            return now;
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
            now += by;
    }

    public void Set(DateTimeOffset to)
    {
        lock (gate)
            now = to;
    }
}
