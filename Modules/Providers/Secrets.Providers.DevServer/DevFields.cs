using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer;

/// <summary>
/// OpenBao's <c>framework.FieldData</c>: a request's fields (JSON body or query string) read against one
/// path's schema with mapstructure's weak typing (<c>"5"</c> as an int, <c>"true"</c> as a bool, a JSON
/// <c>null</c> as the zero value), <see cref="Validate"/> with Go's error texts, and the names the path
/// does not know (the <c>unrecognized parameters</c> warning).
/// </summary>
internal sealed class DevFields(JsonObject raw, IReadOnlyDictionary<string, FieldType> schema, bool fromQuery)
{
    public JsonObject Raw => raw;

    /// <summary>Given fields the path has no schema for, sorted as Go sorts strings.</summary>
    public IReadOnlyList<string> Unrecognized =>
        [.. raw.Select(p => p.Key).Where(k => !schema.ContainsKey(k)).Order(StringComparer.Ordinal)];

    /// <summary><c>FieldData.Validate</c>: the first field that does not convert (by name), as <c>error converting input for field …</c>.</summary>
    public string? Validate()
    {
        foreach (var (name, node) in raw.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (schema.TryGetValue(name, out var type) && Convert(node, type, out _) is { } error)
                return $"error converting input for field {GoFormat.Quote(name)}: {error}";
        }
        return null;
    }

    /// <summary><c>GetOk</c>: given (a <c>null</c> counts, except for a duration), after <see cref="Validate"/> passed.</summary>
    public bool Has(string name) => raw.ContainsKey(name) && (Type(name) is not (FieldType.DurationSecond or FieldType.SignedDurationSecond) || raw[name] is not null);

    public long? Int(string name) => Has(name) ? (long)Get(name)! : null;

    public bool? Bool(string name) => Has(name) ? (bool)Get(name)! : null;

    public string? String(string name) => Has(name) ? (string)Get(name)! : null;

    /// <summary>A map field's value; null when not given or given as <c>null</c> (check <see cref="Has"/>).</summary>
    public JsonObject? Map(string name) => Has(name) ? (JsonObject?)Get(name) : null;

    public long? Seconds(string name) => Has(name) ? (long)Get(name)! : null;

    public IReadOnlyList<long> IntSlice(string name) => Has(name) ? (List<long>)Get(name)! : [];

    private FieldType Type(string name) => schema.TryGetValue(name, out var type)
        ? type
        : throw new InvalidOperationException($"field {name} not in the schema");

    private object? Get(string name)
    {
        var error = Convert(raw[name], Type(name), out var value);
        return error is null ? value : throw new InvalidOperationException("read a field that does not validate");
    }

    private string? Convert(JsonNode? node, FieldType type, out object? value)
    {
        value = null;
        switch (type)
        {
            case FieldType.Int:
                var intError = WeakInt("", node, out var i);
                value = i;
                return intError;
            case FieldType.Bool:
                var boolError = WeakBool(node, out var b);
                value = b;
                return boolError;
            case FieldType.String:
                if (node is null)
                {
                    value = "";
                    return null;
                }
                value = WeakString(node);
                return value is null ? Unconvertible("", "string", node) : null;
            case FieldType.Map:
                var mapError = WeakMap("", node, out var map);
                value = map;
                return mapError;
            case FieldType.DurationSecond or FieldType.SignedDurationSecond:
                var durationError = DurationSeconds(node, out var seconds);
                if (durationError is not null)
                    return durationError;
                if (type == FieldType.DurationSecond && seconds < 0)
                    return string.Create(CultureInfo.InvariantCulture, $"cannot provide negative value '{seconds}'");
                value = seconds;
                return null;
            default:
                var sliceError = CommaIntSlice(node, out var list);
                value = list;
                return sliceError;
        }
    }

    /// <summary>mapstructure's weak decode of one value into a Go <c>int</c>, with its error text.</summary>
    public string? WeakInt(string name, JsonNode? node, out long value)
    {
        value = 0;
        switch (node?.GetValueKind())
        {
            case null:
                return null;
            case JsonValueKind.True:
                value = 1;
                return null;
            case JsonValueKind.False:
                return null;
            case JsonValueKind.Number:
                var literal = node.ToJsonString();
                return GoFormat.ParseInt(literal, base0: false, out value) is { } numberError
                    ? $"'{name}' cannot parse value as 'int': strconv.ParseInt: parsing {GoFormat.Quote(literal)}: {numberError}"
                    : null;
            case JsonValueKind.String:
                var text = node.GetValue<string>();
                return GoFormat.ParseInt(text.Length == 0 ? "0" : text, base0: true, out value) is { } stringError
                    ? $"'{name}' cannot parse value as 'int': strconv.ParseInt: {stringError}"
                    : null;
            default:
                return Unconvertible(name, "int", node);
        }
    }

    private string? WeakBool(JsonNode? node, out bool value)
    {
        value = false;
        switch (node?.GetValueKind())
        {
            case null or JsonValueKind.False:
                return null;
            case JsonValueKind.True:
                value = true;
                return null;
            case JsonValueKind.String or JsonValueKind.Number:
                // a json.Number is a string to mapstructure: "1" and "0" parse, 5 does not
                var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                if (GoFormat.TryParseBool(text, out value) || text.Length == 0)
                    return null;
                return "'' cannot parse value as 'bool': strconv.ParseBool: invalid syntax";
            default:
                return Unconvertible("", "bool", node);
        }
    }

    /// <summary>mapstructure's weak decode into a Go string (a number keeps its literal, a bool is "1" or "0"); null when it cannot.</summary>
    public static string? WeakString(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "",
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number => node.ToJsonString(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => null,
    };

    private string? WeakMap(string name, JsonNode? node, out JsonObject? map)
    {
        map = null;
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                map = obj;
                return null;
            case JsonArray array:
                // a list of maps is merged into one map; an empty list is an empty map
                map = [];
                for (var i = 0; i < array.Count; i++)
                {
                    var itemName = $"{name}[{i}]";
                    if (WeakMap(itemName, array[i], out var item) is { } error)
                        return error;
                    foreach (var (key, value) in item ?? [])
                        map[key] = value?.DeepClone();
                }
                return null;
            default:
                return Unconvertible(name, "map[string]interface {}", node);
        }
    }

    /// <summary><c>parseutil.ParseDurationSecond</c>: seconds, "90", "1h30m", "7d"; truncated to whole seconds.</summary>
    private static string? DurationSeconds(JsonNode? node, out long seconds)
    {
        seconds = 0;
        switch (node?.GetValueKind())
        {
            case null:
                return null;
            case JsonValueKind.String or JsonValueKind.Number:
                var s = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                if (s.Length == 0)
                    return null;
                if (GoFormat.ParseInt(s, base0: false, out var whole) is null)
                {
                    seconds = whole;
                    return null;
                }
                if (s.EndsWith('d'))
                {
                    var days = s[..^1];
                    if (GoFormat.ParseInt(days, base0: false, out var d) is { } dayError)
                        return $"strconv.ParseInt: parsing {GoFormat.Quote(days)}: {dayError}";
                    seconds = d * 86_400;
                    return null;
                }
                if (GoFormat.ParseDuration(s, out var nanos) is { } durationError)
                    return durationError;
                seconds = nanos / 1_000_000_000;
                return null;
            default:
                return "could not parse duration from input";
        }
    }

    /// <summary><c>TypeCommaIntSlice</c>: [1,2], ["1","2"], "1,2", 3 or true, each element a weak int.</summary>
    private string? CommaIntSlice(JsonNode? node, out List<long> list)
    {
        list = [];
        IReadOnlyList<JsonNode?> items;
        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                items = [.. array];
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                    return null;
                items = [obj];
                break;
            default:
                var kind = node.GetValueKind();
                if (kind is JsonValueKind.String or JsonValueKind.Number)
                {
                    var text = kind == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                    items = text.Length == 0 ? [] : [.. text.Split(',').Select(part => (JsonNode?)JsonValue.Create(part))];
                }
                else
                {
                    items = [node];
                }
                break;
        }
        var errors = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            if (WeakInt($"[{i}]", items[i], out var value) is { } error)
                errors.Add(error);
            list.Add(value);
        }
        return errors.Count == 0 ? null : string.Join('\n', errors);
    }

    private string Unconvertible(string name, string expected, JsonNode? node) =>
        $"'{name}' expected type '{expected}', got unconvertible type '{GoType(node)}'";

    /// <summary>The Go type a decoded request value has: <c>map[string]interface {}</c>, <c>json.Number</c>, …</summary>
    public string GoType(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Object => "map[string]interface {}",
        JsonValueKind.Array => fromQuery ? "[]string" : "[]interface {}",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "json.Number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "<nil>",
    };
}
