using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Providers.Kv.DevServer;

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

/// <summary>A request field Vault's framework could not convert: always a 400.</summary>
internal sealed class VaultFieldException(string message) : Exception(message);

/// <summary>
/// Vault's <c>framework.FieldData</c> over a JSON body or a query string: the weak typing of
/// mapstructure (numbers as strings, "true" as a bool), <c>null</c> read as "not given", unknown
/// fields ignored.
/// </summary>
internal sealed class VaultFields(JsonObject raw)
{
    public JsonObject Raw => raw;

    public bool Has(string name) => raw[name] is not null;

    public long? Int(string name)
    {
        if (raw[name] is not { } node)
            return null;
        return WeakInt(node) ?? throw Conversion(name, node, "expected an integer");
    }

    public bool? Bool(string name)
    {
        if (raw[name] is not { } node)
            return null;
        switch (node.GetValueKind())
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number: return node.GetValue<JsonElement>().GetDouble() != 0;
            case JsonValueKind.String:
                var s = node.GetValue<string>();
                if (s.Length == 0)
                    return false;
                if (GoFormat.TryParseBool(s, out var b))
                    return b;
                break;
        }
        throw Conversion(name, node, "expected a boolean");
    }

    public string? String(string name)
    {
        if (raw[name] is not { } node)
            return null;
        return WeakString(node) ?? throw Conversion(name, node, "expected a string");
    }

    /// <summary><c>TypeDurationSecond</c> / <c>TypeSignedDurationSecond</c>: seconds, "90", "1h30m", "7d".</summary>
    public long? DurationSeconds(string name, bool allowNegative)
    {
        if (raw[name] is not { } node)
            return null;
        long seconds;
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number:
                seconds = (long)node.GetValue<JsonElement>().GetDouble();
                break;
            case JsonValueKind.String:
                var s = node.GetValue<string>().Trim();
                if (s.Length == 0)
                    seconds = 0;
                else if (s.EndsWith('d') && long.TryParse(s[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days))
                    seconds = days * 86_400;
                else if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var plain))
                    seconds = plain;
                else if (GoFormat.TryParseDuration(s, out var nanos))
                    seconds = nanos / 1_000_000_000;
                else
                    throw Conversion(name, node, $"time: invalid duration {GoFormat.Quote(s)}");
                break;
            default:
                throw Conversion(name, node, "expected a duration");
        }
        if (!allowNegative && seconds < 0)
            throw Conversion(name, node, "cannot provide negative value");
        return seconds;
    }

    public JsonObject? Map(string name)
    {
        if (raw[name] is not { } node)
            return null;
        return node as JsonObject ?? throw Conversion(name, node, $"'' expected a map, got '{GoKind(node)}'");
    }

    /// <summary><c>TypeCommaIntSlice</c>: [1,2], ["1","2"], "1,2" or 3.</summary>
    public IReadOnlyList<long> IntSlice(string name)
    {
        if (raw[name] is not { } node)
            return [];
        switch (node)
        {
            case JsonArray array:
                var list = new List<long>(array.Count);
                foreach (var item in array)
                    list.Add(item is null ? 0 : WeakInt(item) ?? throw Conversion(name, node, "expected a list of integers"));
                return list;
            case JsonValue when node.GetValueKind() == JsonValueKind.String:
                var s = node.GetValue<string>();
                if (s.Length == 0)
                    return [];
                return s.Split(',').Select(part => long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                    ? v
                    : throw Conversion(name, node, $"strconv.ParseInt: parsing {GoFormat.Quote(part)}: invalid syntax")).ToList();
            default:
                return [WeakInt(node) ?? throw Conversion(name, node, "expected a list of integers")];
        }
    }

    /// <summary>mapstructure's weak decode of a JSON value into a Go int; null when it cannot.</summary>
    public static long? WeakInt(JsonNode node)
    {
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number:
                return node.GetValue<JsonElement>().TryGetInt64(out var n) ? n : null;
            case JsonValueKind.String:
                var s = node.GetValue<string>();
                if (s.Length == 0)
                    return 0;
                return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 0;
            default:
                return null;
        }
    }

    /// <summary>mapstructure's weak decode of a JSON value into a Go string; null when it cannot.</summary>
    public static string? WeakString(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "",
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number => node.ToJsonString(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => null,
    };

    public static string GoKind(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Object => "map[string]interface {}",
        JsonValueKind.Array => "[]interface {}",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "json.Number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "<nil>",
    };

    private static VaultFieldException Conversion(string name, JsonNode node, string reason)
    {
        var shown = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        return new VaultFieldException($"error converting input {shown} for field {GoFormat.Quote(name)}: {reason}");
    }
}
