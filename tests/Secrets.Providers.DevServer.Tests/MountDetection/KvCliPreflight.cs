using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer.Tests.MountDetection;

/// <summary>
/// What <c>vault kv</c> and <c>bao kv</c> do before any call (the CLI's <c>kvPreflightVersionRequest</c> and
/// <c>addPrefixToKVPath</c>): GET <c>sys/internal/ui/mounts/&lt;path&gt;</c>, take <c>data.path</c> as the mount and
/// <c>data.options.version</c> as the KV version ("2" is version 2; none, "" or "1" is version 1; a 404 means a server
/// too old to say, version 1), then put the operation's prefix (<c>data</c>, <c>metadata</c>…) after the mount.
/// </summary>
internal static class KvCliPreflight
{
    /// <summary>The preflight: the mount path and KV version, or the status and body of a refusal.</summary>
    public static async Task<(string? Mount, int Version, VaultReply Reply)> DetectAsync(DevServerFixture server, string path)
    {
        var reply = await server.Call("GET", "sys/internal/ui/mounts/" + path);
        if (reply.Status == 404)
            return (null, 1, reply);
        if (reply.Status != 200)
            return (null, 0, reply);
        var data = JsonNode.Parse(reply.Body)!["data"]!;
        var mount = (string?)data["path"];
        var version = data["options"]?["version"] is JsonValue v && (string?)v == "2" ? 2 : 1;
        return (mount, version, reply);
    }

    /// <summary>The API path of <paramref name="path"/> on a KV v2 mount for an operation's <paramref name="prefix"/>.</summary>
    public static string AddPrefix(string path, string mount, string prefix)
    {
        if (path == mount || path == mount.TrimEnd('/'))
            return mount.TrimEnd('/') + "/" + prefix;
        var suffix = path.StartsWith(mount, StringComparison.Ordinal) ? path[mount.Length..] : path;
        return mount.TrimEnd('/') + "/" + prefix + "/" + suffix.TrimStart('/');
    }
}
