using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Secrets.Providers.DevServer;

/// <summary>
/// The state of one dev server: its KVv2 mounts beside the built-in <c>cubbyhole/</c>, <c>identity/</c> and
/// <c>sys/</c>, the root token, and the few <c>sys/</c> and <c>auth/token/</c> endpoints a KV client touches.
/// One lock serialises every request, so concurrent writes to a path get consecutive versions.
/// </summary>
internal sealed class DevVault
{
    /// <summary>The OpenBao release whose KV v2 answers this server gives.</summary>
    public const string OpenBaoVersion = "2.6.2";

    /// <summary>What <c>sys/health</c> reports: OpenBao's version, with semver build metadata saying what this is.</summary>
    public const string Version = OpenBaoVersion + "+embedded-dev";

    /// <summary>The running version of a built-in plugin (<c>versions.DefaultBuiltinVersion</c>).</summary>
    public const string BuiltinVersion = "v" + OpenBaoVersion + "+builtin.bao";

    private static readonly string[] ProtectedMounts = ["audit/", "auth/", "sys/", "cubbyhole/", "identity/"];

    private static readonly Dictionary<string, FieldType> MountFields = new(StringComparer.Ordinal)
    {
        ["path"] = FieldType.String,
        ["type"] = FieldType.String,
        ["description"] = FieldType.String,
        ["config"] = FieldType.Map,
        ["local"] = FieldType.Bool,
        ["seal_wrap"] = FieldType.Bool,
        ["external_entropy_access"] = FieldType.Bool,
        ["options"] = FieldType.Map,
        ["plugin_version"] = FieldType.String,
    };

    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly string rootToken;
    private readonly byte[] rootTokenBytes;
    private readonly Dictionary<string, DevKvMount> mounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> builtIn;
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
        builtIn = new Dictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            ["cubbyhole/"] = BuiltInInfo("cubbyhole", "per-token private secret storage", local: true, sealWrap: false, passthrough: null),
            ["identity/"] = BuiltInInfo("identity", "identity store", local: false, sealWrap: false, passthrough: "Authorization"),
            ["sys/"] = BuiltInInfo("system", "system endpoints used for control, policy and debugging", local: false, sealWrap: true, passthrough: "Accept"),
        };
    }

    /// <summary><c>GET /v1/sys/health</c>: unauthenticated, a bare JSON object, the status chosen by query.</summary>
    public DevReply Health(string method, Func<string, string?> query)
    {
        if (method is not ("GET" or "HEAD"))
            return DevReply.Empty(StatusCodes.Status405MethodNotAllowed);
        if (query("standbyok") is { Length: > 0 } standbyOk && !GoFormat.TryParseBool(standbyOk, out _))
            return DevReply.Empty(StatusCodes.Status400BadRequest);
        var code = StatusCodes.Status200OK;
        foreach (var name in (string[])["uninitcode", "sealedcode", "standbycode", "activecode"])
        {
            if (query(name) is not { } value)
                continue;
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
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
            ["replication_performance_mode"] = "disabled",
            ["replication_dr_mode"] = "disabled",
            ["server_time_utc"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["version"] = Version,
            ["cluster_name"] = clusterName,
            ["cluster_id"] = clusterId,
        });
    }

    /// <summary>Every other request: token first, then the router, like OpenBao's core.</summary>
    public DevReply Handle(DevRequest request)
    {
        if (!IsRoot(request.Token))
            return DevReply.Error(StatusCodes.Status403Forbidden, "permission denied");
        lock (gate)
            return Route(request, time.GetUtcNow());
    }

    private DevReply Route(DevRequest request, DateTimeOffset now)
    {
        var path = request.Path;
        if (path == "sys" || path.StartsWith("sys/", StringComparison.Ordinal))
            return Sys(request, path.Length > 4 ? path[4..] : "");
        if (path.StartsWith("auth/token/", StringComparison.Ordinal))
            return Token(request, path["auth/token/".Length..]);

        if (FindMount(path, out var rest) is { } mount)
            return mount.Handle(request, rest, now);
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
            var fields = new DevFields((JsonObject)request.Input.DeepClone(), MountFields, request.FromQuery);
            if (fields.Validate() is { } error)
                return DevReply.Error(StatusCodes.Status400BadRequest, "Field validation failed: " + error);
            return op switch
            {
                DevOperation.Update => EnableMount(target, fields),
                DevOperation.Delete => DisableMount(target),
                DevOperation.Read => ReadMount(target),
                _ => UnsupportedOperation(),
            };
        }
        if (rest.StartsWith("internal/ui/mounts/", StringComparison.Ordinal) && rest.Length > "internal/ui/mounts/".Length)
            return op == DevOperation.Read ? PreflightMount(rest["internal/ui/mounts/".Length..]) : UnsupportedOperation();
        return UnsupportedPath();
    }

    /// <summary><c>GET sys/mounts</c>: every mount, the built-in ones too; the table is also copied to the top level.</summary>
    private DevReply ListMounts()
    {
        var table = new JsonObject();
        foreach (var (path, info) in builtIn)
            table[path] = info.DeepClone();
        foreach (var mount in mounts.Values)
            table[mount.Path] = MountInfo(mount);
        return DevReply.OkInjected(table);
    }

    /// <summary><c>POST sys/mounts/&lt;path&gt;</c>: only KV version 2 engines can be enabled here.</summary>
    private DevReply EnableMount(string target, DevFields fields)
    {
        var type = fields.String("type") ?? "";
        var description = fields.String("description") ?? "";
        var options = fields.Map("options");
        var path = SanitizeMountPath(target);
        if (path == "/")
            return DevReply.Error(StatusCodes.Status400BadRequest, "backend path must be specified");
        if (type.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "backend type must be specified as a string");
        if (ProtectedMounts.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            return DevReply.Error(StatusCodes.Status400BadRequest, $"cannot mount {GoFormat.Quote(path)}");
        if (mounts.Keys.Concat(builtIn.Keys).FirstOrDefault(m => m.StartsWith(path, StringComparison.Ordinal) || path.StartsWith(m, StringComparison.Ordinal)) is { } taken)
            return DevReply.Error(StatusCodes.Status400BadRequest, $"path is already in use at {taken}");

        var version = type switch
        {
            "kv-v1" => "1",
            "kv-v2" => "2",
            _ => DevFields.WeakString(options?["version"]) ?? "",
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
        if (builtIn.ContainsKey(path))
            return DevReply.Error(StatusCodes.Status400BadRequest, $"cannot unmount {GoFormat.Quote(path)}");
        mounts.Remove(path);
        return DevReply.NoContent();
    }

    private DevReply ReadMount(string target)
    {
        var path = SanitizeMountPath(target);
        return Matching(path) is { } info
            ? DevReply.Ok(info)
            : DevReply.Error(StatusCodes.Status400BadRequest, $"No secret engine mount at {path}");
    }

    /// <summary><c>GET sys/internal/ui/mounts/&lt;path&gt;</c>: the CLI's preflight to find the mount and its KV version.</summary>
    private DevReply PreflightMount(string target)
    {
        var path = SanitizeMountPath(target);
        if (Matching(path) is not { } info)
        {
            return DevReply.Error(StatusCodes.Status403Forbidden,
                $"preflight capability check returned 403, please ensure client's policies grant access to path {GoFormat.Quote(path)}");
        }
        return DevReply.Ok(info);
    }

    /// <summary>The mount info of the longest mount that prefixes <paramref name="path"/>, with its <c>path</c>; null when none does.</summary>
    private JsonObject? Matching(string path)
    {
        var kv = LongestPrefix(path);
        var builtInPath = builtIn.Keys.Where(p => path.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length);
        if (kv is null && builtInPath is null)
            return null;
        var (info, mountPath) = kv is not null && (builtInPath is null || kv.Path.Length > builtInPath.Length)
            ? (MountInfo(kv), kv.Path)
            : ((JsonObject)builtIn[builtInPath!].DeepClone(), builtInPath!);
        info["path"] = mountPath;
        return info;
    }

    /// <summary><c>mountInfo</c> of a KV version 2 mount.</summary>
    private static JsonObject MountInfo(DevKvMount mount) => new()
    {
        ["accessor"] = mount.Accessor,
        ["config"] = new JsonObject { ["default_lease_ttl"] = 0, ["force_no_cache"] = false, ["max_lease_ttl"] = 0 },
        ["deprecation_status"] = "supported",
        ["description"] = mount.Description,
        ["external_entropy_access"] = false,
        ["local"] = false,
        ["options"] = new JsonObject { ["version"] = "2" },
        ["plugin_version"] = "",
        ["running_plugin_version"] = BuiltinVersion,
        ["running_sha256"] = "",
        ["seal_wrap"] = false,
        ["type"] = "kv",
        ["uuid"] = mount.Uuid,
    };

    /// <summary><c>mountInfo</c> of a mount every server has (<c>requiredMountTable</c>).</summary>
    private static JsonObject BuiltInInfo(string type, string description, bool local, bool sealWrap, string? passthrough)
    {
        var config = new JsonObject { ["default_lease_ttl"] = 0, ["force_no_cache"] = false, ["max_lease_ttl"] = 0 };
        if (passthrough is not null)
            config["passthrough_request_headers"] = new JsonArray(passthrough);
        return new JsonObject
        {
            ["accessor"] = type + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            ["config"] = config,
            ["description"] = description,
            ["external_entropy_access"] = false,
            ["local"] = local,
            ["options"] = null,
            ["plugin_version"] = "",
            ["running_plugin_version"] = BuiltinVersion,
            ["running_sha256"] = "",
            ["seal_wrap"] = sealWrap,
            ["type"] = type,
            ["uuid"] = Guid.NewGuid().ToString(),
        };
    }

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
            ["ttl"] = 0,
            ["type"] = "service",
        });
    }

    private static DevReply UnsupportedPath() =>
        DevReply.Error(StatusCodes.Status404NotFound, GoFormat.MultiError(["unsupported path"]));

    private static DevReply UnsupportedOperation() =>
        DevReply.Error(StatusCodes.Status405MethodNotAllowed, GoFormat.MultiError(["unsupported operation"]));
}
