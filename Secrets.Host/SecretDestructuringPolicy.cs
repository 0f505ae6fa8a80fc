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
