using System.Diagnostics;

namespace Secrets.Host;

/// <summary>
/// Every request has an activity, so its audit records carry a trace and span id (continued from the
/// caller's <c>traceparent</c>) even when no trace is exported. Asking ASP.NET Core for propagation
/// data only creates the activity; nothing is recorded unless an exporter asks for more.
/// </summary>
internal static class RequestActivities
{
    private static readonly ActivityListener Listener = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    private static int listening;

    /// <summary>Starts listening, once per process (the listener is process-wide).</summary>
    public static void Listen()
    {
        if (Interlocked.Exchange(ref listening, 1) == 0)
            ActivitySource.AddActivityListener(Listener);
    }
}
