using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Shared.Kernel;

/// <summary>The one meter and activity source every module reports through (docs/AUDIT.md); the host exports both.</summary>
public static class Telemetry
{
    public const string Name = "Secrets";
    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource Source = new(Name);
}
