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

    public static long Long(string? raw, string name, long fallback, long min = 0, long max = long.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return fallback;
        if (!long.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
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

    /// <summary>An absolute http(s) URL without query or fragment (e.g. <c>SECRETS_PUBLIC_BASE_URL</c>), or null when unset.</summary>
    public static Uri? HttpUrl(string? raw, string name)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        return Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
               && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment)
            ? url
            : throw new InvalidOperationException($"{name} must be an absolute http or https URL without query or fragment");
    }
}
