using System.Globalization;

namespace Secrets.Shared.Kernel;

/// <summary>Parses environment settings with errors that name the variable (never its value).</summary>
public static class Settings
{
    public static int Int(string? raw, string name, int fallback, int min = 0, int max = int.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return fallback;
        if (!int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new InvalidOperationException($"{name} must be an integer between {min} and {max}");
        return value;
    }

    public static bool Bool(string? raw, string name, bool fallback)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return fallback;
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new InvalidOperationException($"{name} must be true or false"),
        };
    }

    public static IReadOnlyList<string> Csv(string? raw, IReadOnlyList<string> fallback) =>
        string.IsNullOrWhiteSpace(raw)
            ? fallback
            : raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
