using System.Diagnostics.Metrics;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary><c>secrets_errors_total{code}</c>: every problem answered (docs/AUDIT.md#metrics), counted where problem bodies are made.</summary>
internal static class ErrorMetrics
{
    private static readonly Counter<long> Errors = Telemetry.Meter.CreateCounter<long>("secrets_errors_total", description: "Problems answered, by error code");

    public static void Answered(string code) => Errors.Add(1, new KeyValuePair<string, object?>("code", code));
}
