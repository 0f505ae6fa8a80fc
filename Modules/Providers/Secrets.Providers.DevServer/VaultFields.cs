using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer;

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
