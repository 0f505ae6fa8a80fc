using System.Globalization;
using System.Text;

namespace Secrets.Providers.DevServer;

/// <summary>
/// The Go formats and parsers an OpenBao client sees the results of: RFC 3339 timestamps as
/// <c>time.RFC3339Nano</c> writes them, <c>time.Duration.String()</c> and <c>time.ParseDuration</c>,
/// <c>%q</c> quoting, go-multierror's list format, <c>strconv.ParseInt</c> and <c>strconv.ParseBool</c>,
/// and <c>encoding/json</c>'s text for a float64.
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
    public static string Quote(string value) => '"' + Escape(value, '"') + '"';

    /// <summary>How <c>encoding/json</c> names a byte in a syntax error: <c>'x'</c>, <c>'\n'</c>, <c>'"'</c>.</summary>
    public static string QuoteChar(byte c) => c switch
    {
        (byte)'\'' => @"'\''",
        (byte)'"' => "'\"'",
        _ => "'" + Escape(((char)c).ToString(), '"') + "'",
    };

    private static string Escape(string value, char quote)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case var q when q == quote: sb.Append('\\').Append(quote); break;
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
        return sb.ToString();
    }

    /// <summary>go-multierror's <c>ListFormatFunc</c>, which is what OpenBao prints for wrapped errors.</summary>
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

    /// <summary>
    /// Go's <c>strconv.ParseInt(s, base, 64)</c> for base 10 or base 0 (a <c>0x</c>, <c>0o</c>, <c>0b</c> or
    /// <c>0</c> prefix picks the base; underscores may separate digits). The error is Go's reason:
    /// <c>invalid syntax</c> or <c>value out of range</c>.
    /// </summary>
    public static string? ParseInt(string s, bool base0, out long value)
    {
        value = 0;
        if (s.Length == 0)
            return "invalid syntax";
        var original = s;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.Length == 0)
            return "invalid syntax";
        var radix = 10;
        if (base0 && s[0] == '0')
        {
            radix = 8;
            s = s[1..];
            if (s.Length >= 2)
            {
                switch (char.ToLowerInvariant(s[0]))
                {
                    case 'b': radix = 2; s = s[1..]; break;
                    case 'o': radix = 8; s = s[1..]; break;
                    case 'x': radix = 16; s = s[1..]; break;
                }
            }
        }
        var underscores = false;
        ulong n = 0;
        foreach (var c in s)
        {
            int digit;
            if (c == '_' && base0)
            {
                underscores = true;
                continue;
            }
            if (c is >= '0' and <= '9')
                digit = c - '0';
            else if (char.ToLowerInvariant(c) is >= 'a' and <= 'z' and var lower)
                digit = lower - 'a' + 10;
            else
                return "invalid syntax";
            if (digit >= radix)
                return "invalid syntax";
            var next = (UInt128)n * (uint)radix + (uint)digit;
            if (next > ulong.MaxValue)
                return "value out of range";   // Go stops at the first overflow, before any later bad digit
            n = (ulong)next;
        }
        if (underscores && !UnderscoreOk(original))
            return "invalid syntax";
        if ((!negative && n >= 1UL << 63) || (negative && n > 1UL << 63))
            return "value out of range";
        value = negative ? (long)(0 - n) : (long)n;
        return null;
    }

    /// <summary>Go's <c>underscoreOK</c>: underscores only between digits, or between a base prefix and a digit.</summary>
    private static bool UnderscoreOk(string s)
    {
        var saw = '^';
        var i = 0;
        if (s.Length >= 1 && s[0] is '-' or '+')
            s = s[1..];
        var hex = false;
        if (s.Length >= 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'b' or 'o' or 'x')
        {
            i = 2;
            saw = '0';
            hex = char.ToLowerInvariant(s[1]) == 'x';
        }
        for (; i < s.Length; i++)
        {
            if (s[i] is >= '0' and <= '9' || (hex && char.ToLowerInvariant(s[i]) is >= 'a' and <= 'f'))
            {
                saw = '0';
                continue;
            }
            if (s[i] == '_')
            {
                if (saw != '0')
                    return false;
                saw = '_';
                continue;
            }
            if (saw == '_')
                return false;
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>Go's <c>time.ParseDuration</c> ("300ms", "-1.5h", "2h45m"), in nanoseconds; the error is Go's text.</summary>
    public static string? ParseDuration(string value, out long nanoseconds)
    {
        nanoseconds = 0;
        var invalid = "time: invalid duration " + Quote(value);
        var s = value;
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
            return null;
        if (s.Length == 0)
            return invalid;
        decimal total = 0;
        while (s.Length > 0)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
                return invalid;
            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
                i++;
            var whole = s[..i];
            s = s[i..];
            var fraction = "";
            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                var j = 0;
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                    j++;
                fraction = s[..j];
                s = s[j..];
                if (whole.Length == 0 && fraction.Length == 0)
                    return invalid;
            }
            else if (whole.Length == 0)
            {
                return invalid;
            }
            var k = 0;
            while (k < s.Length && s[k] != '.' && !char.IsAsciiDigit(s[k]))
                k++;
            if (k == 0)
                return "time: missing unit in duration " + Quote(value);
            var unitName = s[..k];
            s = s[k..];
            decimal? unit = unitName switch
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
                return "time: unknown unit " + Quote(unitName) + " in duration " + Quote(value);
            if (whole.Length > 28)
                return invalid;
            var number = (whole.Length == 0 ? 0m : decimal.Parse(whole, CultureInfo.InvariantCulture)) * unit.Value;
            if (fraction.Length > 0)
                number += Math.Floor(decimal.Parse("0." + fraction[..Math.Min(fraction.Length, 27)], CultureInfo.InvariantCulture) * unit.Value);
            total += number;
            if (total > (decimal)long.MaxValue + 1)
                return invalid;
        }
        if (!negative && total > long.MaxValue)
            return invalid;
        nanoseconds = negative ? (long)-total : (long)total;
        return null;
    }

    /// <summary>
    /// <c>encoding/json</c>'s text for a float64: the shortest digits that read back the same, in plain notation
    /// from 1e-6 up to 1e21 and in exponent notation (<c>1e+21</c>, <c>1e-7</c>) outside that.
    /// </summary>
    public static string Float(double value)
    {
        if (value == 0)
            return double.IsNegative(value) ? "-0" : "0";
        var roundTrip = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        // the shortest round-trip digits and the decimal exponent, from "R" (which may be plain or scientific)
        // value = 0.d1d2… × 10^exponent
        var e = roundTrip.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? roundTrip : roundTrip[..e];
        var power = e < 0 ? 0 : int.Parse(roundTrip[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var exponent = intPart.Length - leadingZeros + power;
        digits = digits.TrimEnd('0');
        var sign = value < 0 ? "-" : "";
        var abs = Math.Abs(value);
        if (abs < 1e-6 || abs >= 1e21)
        {
            var exp = exponent - 1;
            var text = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (exp < 0 ? "-" : "+")
                + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
            if (exp is < 0 and > -10)
                text = text.Replace("e-0", "e-", StringComparison.Ordinal);   // json's clean-up: e-07 → e-7
            return sign + text;
        }
        if (exponent <= 0)
            return sign + "0." + new string('0', -exponent) + digits;
        if (exponent >= digits.Length)
            return sign + digits + new string('0', exponent - digits.Length);
        return sign + digits[..exponent] + "." + digits[exponent..];
    }
}
