using Serilog.Core;
using Serilog.Events;

namespace Secrets.Host;

/// <summary>Properties whose names say they hold credentials or values are replaced before any sink sees them.</summary>
internal sealed class RedactingEnricher : ILogEventEnricher
{
    private static readonly string[] SensitiveParts = ["token", "password", "passwd", "secret", "authorization", "cookie", "apikey", "api_key", "salt"];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var name in logEvent.Properties.Keys.ToList())
        {
            if (IsSensitive(name))
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, SecretDestructuringPolicy.Redacted));
        }
    }

    public static bool IsSensitive(string name) =>
        name is "Value" or "value" or "Values" ||
        SensitiveParts.Any(p => name.Contains(p, StringComparison.OrdinalIgnoreCase));
}
