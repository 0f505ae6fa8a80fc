using System.Globalization;
using System.Text;

namespace Secrets.Providers.DevServer;

/// <summary>
/// The few Go formats a Vault client sees on the wire: RFC 3339 timestamps as Go's
/// <c>time.RFC3339Nano</c> writes them, <c>time.Duration.String()</c>, <c>%q</c> quoting and
/// go-multierror's list format.
/// </summary>
internal static class GoFormat
{
    /// <summary>UTC, trailing zeros of the fraction dropped (and the dot with them), as <c>RFC3339Nano</c>.</summary>
    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>An unset protobuf timestamp is written as the empty string.</summary>
    public static string Time(DateTimeOffset? value) => value is { } v ? Time(v) : "";

    /// <summary><c>time.Duration.String()</c> for a whole number of seconds: 0s, 45s, 1m30s, 1h0m0s, -1s.</summary>
    public static string Duration(long seconds)
    {
        if (seconds == 0)
            return "0s";
        var sign = seconds < 0 ? "-" : "";
        var abs = Math.Abs(seconds);
        var (h, m, s) = (abs / 3600, abs % 3600 / 60, abs % 60);
        return h > 0 ? FormattableString.Invariant($"{sign}{h}h{m}m{s}s")
            : m > 0 ? FormattableString.Invariant($"{sign}{m}m{s}s")
            : FormattableString.Invariant($"{sign}{s}s");
    }

    /// <summary>Go's <c>%q</c>: double quotes, backslash escapes for quotes and non-printable runes.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (IsPrintable(rune))
                        sb.Append(rune.ToString());
                    else if (rune.Value < 0x80)
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    else if (rune.Value < 0x10000)
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    else
                        sb.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>go-multierror's <c>ListFormatFunc</c>, which is what Vault prints for wrapped errors.</summary>
    public static string MultiError(IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? $"1 error occurred:\n\t* {errors[0]}\n\n"
            : string.Create(CultureInfo.InvariantCulture,
                $"{errors.Count} errors occurred:\n\t{string.Join("\n\t", errors.Select(e => "* " + e))}\n\n");

    /// <summary>Go's <c>strutil.Printable</c>: every rune is a letter, mark, number, punctuation, symbol or ASCII space.</summary>
    public static bool IsPrintable(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (!IsPrintable(rune))
                return false;
        }
        return true;
    }

    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
            return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    /// <summary>Go's <c>strconv.ParseBool</c>.</summary>
    public static bool TryParseBool(string value, out bool result)
    {
        switch (value)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                result = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>Go's <c>time.ParseDuration</c> ("300ms", "-1.5h", "2h45m"), in nanoseconds.</summary>
    public static bool TryParseDuration(string value, out long nanoseconds)
    {
        nanoseconds = 0;
        var s = value.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.SequenceEqual("0"))
            return true;
        if (s.IsEmpty)
            return false;

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                i++;
            if (i == 0 || !decimal.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
                j++;
            decimal? unit = s[..j] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (unit is null)
                return false;
            s = s[j..];
            total += number * unit.Value;
            if (total > long.MaxValue)
                return false;
        }
        nanoseconds = (long)(negative ? -total : total);
        return true;
    }
}
