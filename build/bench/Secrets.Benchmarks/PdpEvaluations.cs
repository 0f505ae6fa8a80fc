using System.Diagnostics;
using Secrets.Shared.Kernel;

namespace Secrets.Benchmarks;

/// <summary>
/// Counts the PDP's evaluations (the <c>pdp.evaluate</c> spans the Policy module starts per
/// <c>EvaluateAccess</c>). Only while verifying, never while measuring: a listened activity source
/// makes every decision allocate its spans.
/// </summary>
internal sealed class PdpEvaluations : IDisposable
{
    private readonly ActivityListener listener;
    private long count;

    public PdpEvaluations()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "pdp.evaluate")
                    Interlocked.Increment(ref count);
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public long Count => Interlocked.Read(ref count);

    public void Dispose() => listener.Dispose();
}
