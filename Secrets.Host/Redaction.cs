using System.Diagnostics.CodeAnalysis;
using Secrets.Shared.Kernel;
using Serilog.Core;
using Serilog.Events;

namespace Secrets.Host;

/// <summary>Secret material destructures as "[redacted]", whatever a log call passes.</summary>
internal sealed class SecretDestructuringPolicy : IDestructuringPolicy
{
    public bool TryDestructure(object value, ILogEventPropertyValueFactory propertyValueFactory, [NotNullWhen(true)] out LogEventPropertyValue? result)
    {
        result = value is SecretValue or SecretMap ? Redacted : null;
        return result is not null;
    }

    public static readonly ScalarValue Redacted = new("[redacted]");
}

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
