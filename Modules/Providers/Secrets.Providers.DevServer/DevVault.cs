using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Secrets.Providers.DevServer;

/// <summary>
/// The state of one dev server: its KVv2 mounts, the root token, and the few <c>sys/</c> and
/// <c>auth/token/</c> endpoints a KV client touches. One lock serialises every request, so
/// concurrent writes to a path get consecutive versions.
/// </summary>
internal sealed class DevVault
{
    /// <summary>The version <c>sys/health</c> reports; semver build metadata says what it is.</summary>
    public const string Version = "2.4.0+embedded-dev";

    private static readonly string[] ProtectedMounts = ["audit/", "auth/", "sys/", "cubbyhole/", "identity/"];
    private static readonly string[] BuiltInMounts = ["sys/", "cubbyhole/", "identity/"];

    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly string rootToken;
    private readonly byte[] rootTokenBytes;
    private readonly Dictionary<string, DevKvMount> mounts = new(StringComparer.Ordinal);
    private readonly long tokenCreationTime;
    private readonly string tokenAccessor = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24);
    private readonly string clusterName = "vault-cluster-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly string clusterId = Guid.NewGuid().ToString();

    public DevVault(string rootToken, TimeProvider time)
    {
        this.rootToken = rootToken;
        this.time = time;
        rootTokenBytes = Encoding.UTF8.GetBytes(rootToken);
        tokenCreationTime = time.GetUtcNow().ToUnixTimeSeconds();
        mounts["secret/"] = new DevKvMount("secret/", "key/value secret storage");   // as `bao server -dev`
    }

    /// <summary><c>GET /v1/sys/health</c>: unauthenticated, a bare JSON object, the status chosen by query.</summary>
    public DevReply Health(string method, Func<string, string?> query)
    {
        if (method is not ("GET" or "HEAD"))
            return DevReply.Empty(StatusCodes.Status405MethodNotAllowed);
        if (query("standbyok") is { } standbyOk && !GoFormat.TryParseBool(standbyOk, out _))
            return DevReply.Empty(StatusCodes.Status400BadRequest);
        var code = StatusCodes.Status200OK;
        foreach (var name in (string[])["uninitcode", "sealedcode", "standbycode", "activecode"])
        {
            if (query(name) is not { } text)
                continue;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                return DevReply.Empty(StatusCodes.Status400BadRequest);
            if (name == "activecode")
                code = parsed;
        }
        if (method == "HEAD")
            return DevReply.StatusOnly(code);
        return DevReply.Bare(code, new JsonObject
        {
            ["initialized"] = true,
            ["sealed"] = false,
            ["standby"] = false,
            ["performance_standby"] = false,
            ["replication_performance_mode"] = "disabled",
            ["replication_dr_mode"] = "disabled",
            ["server_time_utc"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["version"] = Version,
            ["cluster_name"] = clusterName,
            ["cluster_id"] = clusterId,
        });
    }

    /// <summary>Every other request: token first, then the router, like Vault's core.</summary>
    public DevReply Handle(DevRequest request)
    {
        if (!IsRoot(request.Token))
            return DevReply.Error(StatusCodes.Status403Forbidden, "permission denied");
        lock (gate)
        {
            try
            {
                return Route(request, time.GetUtcNow());
            }
            catch (VaultFieldException e)
            {
                return DevReply.Error(StatusCodes.Status400BadRequest, e.Message);
            }
        }
    }

    private DevReply Route(DevRequest request, DateTimeOffset now)
    {
        var path = request.Path;
        if (path == "sys" || path.StartsWith("sys/", StringComparison.Ordinal))
            return Sys(request, path.Length > 4 ? path[4..] : "");
        if (path.StartsWith("auth/token/", StringComparison.Ordinal))
            return Token(request, path["auth/token/".Length..]);

        if (FindMount(path, out var rest) is { } mount)
            return mount.Handle(request.Operation, rest, request.Input, now);
        return DevReply.Error(StatusCodes.Status404NotFound, $"no handler for route {GoFormat.Quote(path)}. route entry not found.");
    }

    /// <summary>The router's longest-prefix match; <c>foo</c> also tries <c>foo/</c>.</summary>
    private DevKvMount? FindMount(string path, out string rest)
    {
        var mount = LongestPrefix(path);
        if (mount is null && !path.EndsWith('/'))
        {
            path += "/";
            mount = LongestPrefix(path);
        }
        rest = mount is null ? "" : path[mount.Path.Length..];
        return mount;
    }

    private DevKvMount? LongestPrefix(string path) =>
        mounts.Values.Where(m => path.StartsWith(m.Path, StringComparison.Ordinal)).MaxBy(m => m.Path.Length);

    private bool IsRoot(string? token) =>
        !string.IsNullOrEmpty(token) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), rootTokenBytes);

    // ---- sys/ ---------------------------------------------------------------------------

    private DevReply Sys(DevRequest request, string rest)
    {
        var op = request.Operation;
        if (rest == "mounts")
            return op == DevOperation.Read ? ListMounts() : UnsupportedOperation();
        if (rest.StartsWith("mounts/", StringComparison.Ordinal) && rest.Length > "mounts/".Length)
        {
            var target = rest["mounts/".Length..];
            return op switch
            {
                DevOperation.Update => EnableMount(target, request.Input),
                DevOperation.Delete => DisableMount(target),
                DevOperation.Read => ReadMount(target),
                _ => UnsupportedOperation(),
            };
        }
        if (rest.StartsWith("internal/ui/mounts/", StringComparison.Ordinal) && rest.Length > "internal/ui/mounts/".Length)
            return op == DevOperation.Read ? PreflightMount(rest["internal/ui/mounts/".Length..]) : UnsupportedOperation();
        return UnsupportedPath();
    }

    private DevReply ListMounts()
    {
        var table = new JsonObject();
        foreach (var mount in mounts.Values)
            table[mount.Path] = MountInfo(mount);
        return DevReply.OkInjected(table);
    }

    /// <summary><c>POST sys/mounts/&lt;path&gt;</c>: only KV version 2 engines can be enabled here.</summary>
    private DevReply EnableMount(string target, VaultFields input)
    {
        var type = input.String("type") ?? "";
        var description = input.String("description") ?? "";
        var options = input.Map("options");
        var path = SanitizeMountPath(target);
        if (path == "/")
            return DevReply.Error(StatusCodes.Status400BadRequest, "backend path must be specified");
        if (type.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "backend type must be specified as a string");
        if (ProtectedMounts.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            return DevReply.Error(StatusCodes.Status400BadRequest, $"cannot mount {GoFormat.Quote(path)}");
        if (mounts.Keys.FirstOrDefault(m => m.StartsWith(path, StringComparison.Ordinal) || path.StartsWith(m, StringComparison.Ordinal)) is { } taken)
            return DevReply.Error(StatusCodes.Status400BadRequest, $"path is already in use at {taken}");

        var version = VaultFields.WeakString(options?["version"]) ?? "";
        version = type switch
        {
            "kv-v1" => "1",
            "kv-v2" => "2",
            _ => version,
        };
        if (type is not ("kv" or "kv-v1" or "kv-v2"))
        {
            return DevReply.Error(StatusCodes.Status400BadRequest,
                $"the embedded dev server only serves KV version 2 secrets engines, not {GoFormat.Quote(type)}");
        }
        if (version != "2")
        {
            return DevReply.Error(StatusCodes.Status400BadRequest,
                "the embedded dev server only serves KV version 2: enable type \"kv-v2\", or \"kv\" with options {\"version\":\"2\"}");
        }
        mounts[path] = new DevKvMount(path, description);
        return DevReply.NoContent();
    }

    /// <summary><c>DELETE sys/mounts/&lt;path&gt;</c>: the mount and all its data go; an unknown path is still 204.</summary>
    private DevReply DisableMount(string target)
    {
        var path = SanitizeMountPath(target);
        if (BuiltInMounts.Contains(path, StringComparer.Ordinal))
            return DevReply.Error(StatusCodes.Status400BadRequest, $"cannot unmount {GoFormat.Quote(path)}");
        mounts.Remove(path);
        return DevReply.NoContent();
    }

    private DevReply ReadMount(string target)
    {
        var path = SanitizeMountPath(target);
        return LongestPrefix(path) is { } mount
            ? DevReply.Ok(MountInfo(mount))
            : DevReply.Error(StatusCodes.Status400BadRequest, $"No secret engine mount at {path}");
    }

    /// <summary><c>GET sys/internal/ui/mounts/&lt;path&gt;</c>: the CLI's preflight to find the mount and its KV version.</summary>
    private DevReply PreflightMount(string target)
    {
        var path = SanitizeMountPath(target);
        if (LongestPrefix(path) is not { } mount)
        {
            return DevReply.Error(StatusCodes.Status403Forbidden,
                $"preflight capability check returned 403, please ensure client's policies grant access to path {GoFormat.Quote(path)}");
        }
        var info = MountInfo(mount);
        info["path"] = mount.Path;
        return DevReply.Ok(info);
    }

    private static JsonObject MountInfo(DevKvMount mount) => new()
    {
        ["accessor"] = mount.Accessor,
        ["config"] = new JsonObject { ["default_lease_ttl"] = 0, ["force_no_cache"] = false, ["max_lease_ttl"] = 0 },
        ["description"] = mount.Description,
        ["external_entropy_access"] = false,
        ["local"] = false,
        ["options"] = new JsonObject { ["version"] = "2" },
        ["plugin_version"] = "",
        ["running_plugin_version"] = "",
        ["running_sha256"] = "",
        ["seal_wrap"] = false,
        ["type"] = "kv",
        ["uuid"] = mount.Uuid,
    };

    private static string SanitizeMountPath(string path)
    {
        if (!path.EndsWith('/'))
            path += "/";
        return path.StartsWith('/') ? path[1..] : path;
    }

    // ---- auth/token/ --------------------------------------------------------------------

    private DevReply Token(DevRequest request, string rest)
    {
        if (rest != "lookup-self")
            return UnsupportedPath();
        if (request.Operation is not (DevOperation.Read or DevOperation.Update))
            return UnsupportedOperation();
        return DevReply.Ok(new JsonObject
        {
            ["accessor"] = tokenAccessor,
            ["creation_time"] = tokenCreationTime,
            ["creation_ttl"] = 0,
            ["display_name"] = "root",
            ["entity_id"] = "",
            ["expire_time"] = null,
            ["explicit_max_ttl"] = 0,
            ["id"] = rootToken,
            ["meta"] = null,
            ["num_uses"] = 0,
            ["orphan"] = true,
            ["path"] = "auth/token/root",
            ["policies"] = new JsonArray("root"),
            ["renewable"] = false,
            ["ttl"] = 0,
            ["type"] = "service",
        });
    }

    private static DevReply UnsupportedPath() =>
        DevReply.Error(StatusCodes.Status404NotFound, GoFormat.MultiError(["unsupported path"]));

    private static DevReply UnsupportedOperation() =>
        DevReply.Error(StatusCodes.Status405MethodNotAllowed, GoFormat.MultiError(["unsupported operation"]));
}
