using System.Globalization;
using System.Text.Json.Nodes;

namespace Secrets.Testing.Kv2Conformance;

/// <summary>
/// The table's paths into a body: <c>data.metadata.version</c>, <c>data.versions['1'].destroyed</c>,
/// <c>data['secret/'].type</c>, <c>['secret/'].type</c>, <c>$</c> (the whole body), <c>given[0].data.created_time</c>.
/// </summary>
public static class Kv2JsonPath
{
    /// <summary>The path's steps: member names, and list positions as numbers.</summary>
    public static IReadOnlyList<object> Parse(string path)
    {
        var steps = new List<object>();
        var i = 0;
        if (path == "$")
            return steps;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                var inside = path[(i + 1)..close];
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                    steps.Add(inside[1..^1]);
                else
                    steps.Add(int.Parse(inside, CultureInfo.InvariantCulture));
                i = close + 1;
                continue;
            }
            var end = i;
            while (end < path.Length && path[end] is not ('.' or '['))
                end++;
            steps.Add(path[i..end]);
            i = end;
        }
        return steps;
    }

    /// <summary>Follows <paramref name="steps"/> from <paramref name="root"/>: false when a member or position is missing.</summary>
    public static bool TryResolve(JsonNode? root, IReadOnlyList<object> steps, out JsonNode? value)
    {
        value = root;
        foreach (var step in steps)
        {
            switch (step, value)
            {
                case (string name, JsonObject obj) when obj.TryGetPropertyValue(name, out var member):
                    value = member;
                    break;
                case (int index, JsonArray array) when index < array.Count:
                    value = array[index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
        return true;
    }
}
