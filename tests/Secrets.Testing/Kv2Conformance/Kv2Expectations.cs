using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Secrets.Testing.Kv2Conformance;

/// <summary>
/// The table's <c>expect</c> blocks and matchers (see the header of kv2-cases.yaml): each failed expectation
/// becomes one line naming the key, what was expected and what came.
/// </summary>
public static partial class Kv2Expectations
{
    public static List<string> Check(JsonObject expect, Kv2Reply reply, IReadOnlyList<Kv2Reply> given)
    {
        var failures = new List<string>();
        foreach (var (key, expected) in expect)
        {
            if (CheckOne(key, expected, reply, given) is { } failure)
                failures.Add($"{key}: {failure}");
        }
        return failures;
    }

    private static string? CheckOne(string key, JsonNode? expected, Kv2Reply reply, IReadOnlyList<Kv2Reply> given)
    {
        if (key == "status")
            return reply.Status == (int)expected! ? null : $"expected {expected}, got {reply.Status}";
        if (key == "body")
        {
            if ((string?)expected != "<empty>")
                throw new InvalidDataException("body only takes <empty>");
            return reply.Body.Length == 0 ? null : $"expected an empty body, got {reply.Body.Length} bytes";
        }
        if (key.StartsWith("headers.", StringComparison.Ordinal))
        {
            if (!key.Equals("headers.Content-Type", StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"only headers.Content-Type is checked, not {key}");
            return reply.ContentType == (string?)expected ? null : $"expected {expected}, got {reply.ContentType ?? "none"}";
        }
        if (key.StartsWith("keys(", StringComparison.Ordinal) && key.EndsWith(')'))
        {
            var at = key[5..^1];
            if (!Resolve(at, reply, given, out var obj) || obj is not JsonObject members)
                return $"no object at {at}";
            var names = members.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            var wanted = expected!.AsArray().Select(n => n!.ToString()).Order(StringComparer.Ordinal).ToList();
            return names.SequenceEqual(wanted) ? null : $"expected members [{string.Join(", ", wanted)}], got [{string.Join(", ", names)}]";
        }
        var found = Resolve(key, reply, given, out var actual);
        if (expected is JsonValue matcherNode && matcherNode.GetValueKind() == JsonValueKind.String
            && matcherNode.GetValue<string>() is { Length: > 2 } text && text[0] == '<' && text[^1] == '>')
        {
            return Matcher(text[1..^1], found, actual, reply, given);
        }
        if (!found)
            return $"expected {Show(expected)}, but the member is absent";
        return SameJson(expected, actual) ? null : $"expected {Show(expected)}, got {Show(actual)}";
    }

    private static string? Matcher(string matcher, bool found, JsonNode? actual, Kv2Reply reply, IReadOnlyList<Kv2Reply> given)
    {
        if (matcher == "absent")
            return found ? $"expected no such member, got {Show(actual)}" : null;
        if (!found)
            return $"expected <{matcher}>, but the member is absent";
        var (name, argument) = matcher.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
            ? (matcher[..colon], matcher[(colon + 1)..])
            : (matcher, "");
        var str = actual is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        bool ok;
        switch (name)
        {
            case "empty-string":
                ok = str == "";
                break;
            case "any-int":
                ok = actual is JsonValue n && n.GetValueKind() == JsonValueKind.Number && long.TryParse(n.ToJsonString(), out _);
                break;
            case "uuid":
                ok = str is not null && Uuid().IsMatch(str);
                break;
            case "semver":
                ok = str is not null && Semver().IsMatch(str);
                break;
            case "rfc3339nano":
                ok = str is not null && Rfc3339Nano().IsMatch(str);
                break;
            case "time":
                var plus = argument.LastIndexOf('+');
                var seconds = long.Parse(argument[(plus + 1)..^1], CultureInfo.InvariantCulture);
                ok = Nanos(str) is { } at && TimeAt(argument[..plus], reply, given) is { } start && at == start + seconds * 1_000_000_000L;
                break;
            case "time-after":
                ok = Nanos(str) is { } later && TimeAt(argument, reply, given) is { } earlier && later > earlier;
                break;
            case var now when now.StartsWith("now", StringComparison.Ordinal):
                // <now+Ns~T>: within T seconds of the request's send time plus N seconds
                var tilde = now.IndexOf('~', StringComparison.Ordinal);
                var offset = long.Parse(now[3..(tilde - 1)], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                var tolerance = long.Parse(now[(tilde + 1)..], CultureInfo.InvariantCulture);
                var expectedAt = (reply.SentAt.ToUnixTimeMilliseconds() + offset * 1000) * 1_000_000L;
                ok = Nanos(str) is { } when && Math.Abs(when - expectedAt) <= tolerance * 1_000_000_000L;
                break;
            case "equals":
                ok = Resolve(argument, reply, given, out var other) && SameJson(other, actual);
                break;
            case "raw":
                ok = actual is not null && actual.ToJsonString() == argument;
                break;
            case "starts-with":
                ok = str is not null && str.StartsWith(argument, StringComparison.Ordinal);
                break;
            case "matches":
                ok = str is not null && Regex.IsMatch(str, argument, RegexOptions.None, TimeSpan.FromSeconds(1));
                break;
            case "set":
                var wanted = argument.Trim('[', ']').Split(',').Select(s => s.Trim()).Order(StringComparer.Ordinal);
                ok = actual is JsonArray items && items.Select(i => i?.ToString() ?? "null").Order(StringComparer.Ordinal).SequenceEqual(wanted);
                break;
            default:
                throw new InvalidDataException($"unknown matcher <{matcher}>");
        }
        return ok ? null : $"expected <{matcher}>, got {Show(actual)}";
    }

    /// <summary>A path of this reply, or of a given request's reply (<c>given[i].…</c>).</summary>
    private static bool Resolve(string path, Kv2Reply reply, IReadOnlyList<Kv2Reply> given, out JsonNode? value)
    {
        var steps = Kv2JsonPath.Parse(path);
        if (steps.Count >= 2 && steps[0] is "given" && steps[1] is int index)
            return Kv2JsonPath.TryResolve(given[index].Json, steps.Skip(2).ToList(), out value);
        return Kv2JsonPath.TryResolve(reply.Json, steps, out value);
    }

    private static long? TimeAt(string path, Kv2Reply reply, IReadOnlyList<Kv2Reply> given) =>
        Resolve(path, reply, given, out var node) && node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Nanos(v.GetValue<string>()) : null;

    /// <summary>An RFC 3339 UTC time with up to nine fraction digits, in nanoseconds since the Unix epoch.</summary>
    public static long? Nanos(string? text)
    {
        if (text is null || !Rfc3339Nano().IsMatch(text))
            return null;
        var whole = DateTimeOffset.ParseExact(text[..19] + "Z", "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var fraction = text.Length > 20 ? text[20..^1].PadRight(9, '0') : "0";
        return whole.ToUnixTimeSeconds() * 1_000_000_000L + long.Parse(fraction, CultureInfo.InvariantCulture);
    }

    /// <summary>JSON equality as the table means it: numbers by value, members in any order, lists in order.</summary>
    public static bool SameJson(JsonNode? a, JsonNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (JsonObject x, JsonObject y):
                return x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && SameJson(p.Value, other));
            case (JsonArray x, JsonArray y):
                return x.Count == y.Count && x.Zip(y).All(p => SameJson(p.First, p.Second));
            case (JsonValue x, JsonValue y):
                var (kx, ky) = (x.GetValueKind(), y.GetValueKind());
                if (kx == JsonValueKind.Number && ky == JsonValueKind.Number)
                    return decimal.Parse(x.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(y.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                return kx == ky && x.ToJsonString() == y.ToJsonString();
            default:
                return false;
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex Semver();

    /// <summary>Go's <c>time.RFC3339Nano</c> in UTC: up to nine fraction digits, trailing zeros trimmed.</summary>
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,8}[1-9])?Z$")]
    private static partial Regex Rfc3339Nano();
}
