using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Secrets.Providers.DevServer;

/// <summary>
/// One KV version 2 mount, in memory. Each handler follows the KV plugin's handler of the same
/// path (<c>path_config.go</c>, <c>path_data.go</c>, <c>path_metadata.go</c>,
/// <c>path_delete.go</c>, <c>path_destroy.go</c>): same checks in the same order, same messages,
/// same status codes. Not thread-safe: <see cref="DevVault"/> serialises every call.
/// </summary>
internal sealed class DevKvMount(string path, string description)
{
    private const uint DefaultMaxVersions = 10;
    private const long DisabledDeleteVersionAfter = -1;
    private const int MaxCustomMetadataKeys = 64;
    private const int MaxCustomMetadataKeyLength = 128;
    private const int MaxCustomMetadataValueLength = 512;
    private const string CustomMetadataPrefix = "custom_metadata validation failed";

    private readonly Dictionary<string, KeyMetadata> keys = new(StringComparer.Ordinal);
    private uint configMaxVersions;
    private bool configCasRequired;
    private long configDeleteVersionAfter;   // seconds; 0 = unset, -1 = disabled

    /// <summary>The mount path with its trailing slash, e.g. <c>secret/</c>.</summary>
    public string Path { get; } = path;

    public string Description { get; } = description;

    public string Accessor { get; } = "kv_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray(), 0, 4);

    public string Uuid { get; } = Guid.NewGuid().ToString();

    /// <summary>Routes a request whose path has already lost its mount prefix (<c>data/app</c>).</summary>
    public DevReply Handle(DevOperation op, string rest, VaultFields input, DateTimeOffset now)
    {
        if (rest == "config")
        {
            return op switch
            {
                DevOperation.Read => ReadConfig(),
                DevOperation.Update => WriteConfig(input),
                _ => UnsupportedOperation(),
            };
        }
        if (TrySplit(rest, "data/", out var key))
        {
            return op switch
            {
                DevOperation.Read => ReadData(key, input, now),
                DevOperation.Update => WriteData(key, input, now),
                DevOperation.Patch => PatchData(key, input, now),
                DevOperation.Delete => DeleteLatest(key, now),
                _ => UnsupportedOperation(),
            };
        }
        if (TrySplit(rest, "metadata/", out key))
        {
            return op switch
            {
                DevOperation.Read => ReadMetadata(key),
                DevOperation.List => ListKeys(key, input),
                DevOperation.Update => WriteMetadata(key, input, now),
                DevOperation.Patch => PatchMetadata(key, input),
                DevOperation.Delete => DeleteMetadata(key),
                _ => UnsupportedOperation(),
            };
        }
        if (TrySplit(rest, "delete/", out key))
            return op == DevOperation.Update ? DeleteVersions(key, input, now) : UnsupportedOperation();
        if (TrySplit(rest, "undelete/", out key))
            return op == DevOperation.Update ? UndeleteVersions(key, input, now) : UnsupportedOperation();
        if (TrySplit(rest, "destroy/", out key))
            return op == DevOperation.Update ? DestroyVersions(key, input) : UnsupportedOperation();
        return DevReply.Error(StatusCodes.Status404NotFound, GoFormat.MultiError(["unsupported path"]));
    }

    // ---- config -------------------------------------------------------------------------

    private DevReply ReadConfig() => DevReply.Ok(new JsonObject
    {
        ["cas_required"] = configCasRequired,
        ["delete_version_after"] = GoFormat.Duration(configDeleteVersionAfter),
        ["max_versions"] = configMaxVersions,
    });

    private DevReply WriteConfig(VaultFields input)
    {
        var max = input.Int("max_versions");
        var cas = input.Bool("cas_required");
        var dva = input.DurationSeconds("delete_version_after", allowNegative: true);
        if (max is { } m)
            configMaxVersions = unchecked((uint)m);
        if (cas is { } c)
            configCasRequired = c;
        if (dva is { } d)
            configDeleteVersionAfter = d < 0 ? DisabledDeleteVersionAfter : d;
        return DevReply.NoContent();
    }

    // ---- data ---------------------------------------------------------------------------

    private DevReply ReadData(string key, VaultFields input, DateTimeOffset now)
    {
        var requested = input.Int("version") ?? 0;
        if (!keys.TryGetValue(key, out var meta))
            return DevReply.Empty(StatusCodes.Status404NotFound);
        var number = requested > 0 ? (ulong)requested : meta.CurrentVersion;
        if (!meta.Versions.TryGetValue(number, out var version))
            return DevReply.Empty(StatusCodes.Status404NotFound);

        var metadata = new JsonObject
        {
            ["created_time"] = GoFormat.Time(version.CreatedTime),
            ["custom_metadata"] = meta.CustomMetadataJson(),
            ["deletion_time"] = GoFormat.Time(version.DeletionTime),
            ["destroyed"] = version.Destroyed,
            ["version"] = number,
        };
        if (version.IsDeleted(now) || version.Destroyed)
            return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, new JsonObject { ["data"] = null, ["metadata"] = metadata });
        return DevReply.Ok(new JsonObject { ["data"] = version.Data!.DeepClone(), ["metadata"] = metadata });
    }

    private DevReply WriteData(string key, VaultFields input, DateTimeOffset now)
    {
        var data = input.Map("data");
        var options = input.Map("options");
        if (key.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "missing path");
        if (data is null)
            return DevReply.Error(StatusCodes.Status400BadRequest, "no data provided");

        var meta = keys.GetValueOrDefault(key) ?? new KeyMetadata();
        if (CheckAndSet(options, meta) is { } casError)
            return DevReply.Error(StatusCodes.Status400BadRequest, casError);

        var version = AddVersion(meta, (JsonObject)data.DeepClone(), now);
        keys[key] = meta;
        return DevReply.Ok(WriteResult(meta, version));
    }

    private DevReply PatchData(string key, VaultFields input, DateTimeOffset now)
    {
        var options = input.Map("options");
        if (!input.Has("data"))
            return DevReply.Error(StatusCodes.Status400BadRequest, "no data provided");
        if (!keys.TryGetValue(key, out var meta))
            return DevReply.EmptyJson(StatusCodes.Status404NotFound);
        if (CheckAndSet(options, meta) is { } casError)
            return DevReply.Error(StatusCodes.Status400BadRequest, casError);
        if (!meta.Versions.TryGetValue(meta.CurrentVersion, out var current))
            return DevReply.EmptyJson(StatusCodes.Status404NotFound);
        if (current.IsDeleted(now) || current.Destroyed)
        {
            return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, new JsonObject
            {
                ["created_time"] = GoFormat.Time(current.CreatedTime),
                ["custom_metadata"] = meta.CustomMetadataJson(),
                ["deletion_time"] = GoFormat.Time(current.DeletionTime),
                ["destroyed"] = current.Destroyed,
                ["version"] = meta.CurrentVersion,
            });
        }
        if (input.Raw["data"] is not JsonObject patch)
            return DevReply.Error(StatusCodes.Status400BadRequest, $"error converting input for field {GoFormat.Quote("data")}: expected a map");

        var merged = MergePatch(current.Data!.DeepClone(), patch) as JsonObject ?? new JsonObject();
        var version = AddVersion(meta, merged, now);
        return DevReply.Ok(WriteResult(meta, version));
    }

    /// <summary><c>DELETE data/…</c>: soft-deletes the current version unless it is already deleted or destroyed.</summary>
    private DevReply DeleteLatest(string key, DateTimeOffset now)
    {
        if (keys.TryGetValue(key, out var meta)
            && meta.Versions.TryGetValue(meta.CurrentVersion, out var latest)
            && !latest.Destroyed && !latest.IsDeleted(now))
        {
            latest.DeletionTime = now;
        }
        return DevReply.NoContent();
    }

    private static JsonObject WriteResult(KeyMetadata meta, VersionMetadata version) => new()
    {
        ["created_time"] = GoFormat.Time(version.CreatedTime),
        ["custom_metadata"] = meta.CustomMetadataJson(),
        ["deletion_time"] = GoFormat.Time(version.DeletionTime),
        ["destroyed"] = version.Destroyed,
        ["version"] = meta.CurrentVersion,
    };

    /// <summary><c>validateCheckAndSetOption</c>: a given cas must equal the current version; cas_required demands one.</summary>
    private string? CheckAndSet(JsonObject? options, KeyMetadata meta)
    {
        if (options is not null && options.ContainsKey("cas"))
        {
            var raw = options["cas"];
            var cas = raw is null ? 0 : VaultFields.WeakInt(raw);
            if (cas is null)
                return "error parsing check-and-set parameter";
            return cas < 0 || (ulong)cas != meta.CurrentVersion ? "check-and-set parameter did not match the current version" : null;
        }
        return configCasRequired || meta.CasRequired ? "check-and-set parameter required for this call" : null;
    }

    /// <summary><c>KeyMetadata.AddVersion</c>: the new version, then the sliding window of max versions.</summary>
    private VersionMetadata AddVersion(KeyMetadata meta, JsonObject data, DateTimeOffset now)
    {
        var version = new VersionMetadata(now, data) { DeletionTime = ScheduledDeletion(now, meta) };
        meta.CurrentVersion++;
        meta.Versions[meta.CurrentVersion] = version;
        meta.UpdatedTime = now;
        meta.CreatedTime ??= now;

        // The plugin keeps the larger of the path's and the mount's max_versions (0 = unset).
        var larger = Math.Max(meta.MaxVersions, configMaxVersions);
        var maxVersions = larger > 0 ? larger : DefaultMaxVersions;
        if (meta.CurrentVersion - meta.OldestVersion >= maxVersions)
        {
            var versionToDelete = meta.CurrentVersion - maxVersions;
            for (var i = meta.OldestVersion; i <= versionToDelete; i++)
                meta.Versions.Remove(i);   // metadata and data go together here
            meta.OldestVersion = versionToDelete + 1;
        }
        return version;
    }

    /// <summary><c>deletionTime</c>: creation plus the smaller non-zero delete_version_after of mount and path.</summary>
    private DateTimeOffset? ScheduledDeletion(DateTimeOffset from, KeyMetadata meta)
    {
        if (configDeleteVersionAfter == DisabledDeleteVersionAfter)
            return null;
        var (mount, path) = (configDeleteVersionAfter, meta.DeleteVersionAfter);
        if (mount == 0 && path == 0)
            return null;
        var min = path;
        if ((mount != 0 && mount < min) || min == 0)
            min = mount;
        return from.AddSeconds(min);
    }

    // ---- delete / undelete / destroy -----------------------------------------------------

    private DevReply DeleteVersions(string key, VaultFields input, DateTimeOffset now) =>
        ChangeLiveVersions(key, input, "No version number provided", (_, version) =>
        {
            if (!version.IsDeleted(now))
                version.DeletionTime = now;
        });

    private DevReply UndeleteVersions(string key, VaultFields input, DateTimeOffset now) =>
        ChangeLiveVersions(key, input, "No version number provided", (meta, version) => version.DeletionTime = ScheduledDeletion(now, meta));

    // the real plugin words this one message in lower case
    private DevReply DestroyVersions(string key, VaultFields input) =>
        ChangeLiveVersions(key, input, "no version number provided", (_, version) => version.Destroy());

    /// <summary>Applies <paramref name="change"/> to each named version that is not destroyed; unknown ones are ignored, as Vault does.</summary>
    private DevReply ChangeLiveVersions(string key, VaultFields input, string noVersions, Action<KeyMetadata, VersionMetadata> change)
    {
        var versions = input.IntSlice("versions");
        if (versions.Count == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, noVersions);
        if (keys.TryGetValue(key, out var meta))
        {
            foreach (var number in versions)
            {
                if (Find(meta, number) is { Destroyed: false } version)
                    change(meta, version);
            }
        }
        return DevReply.NoContent();
    }

    private static VersionMetadata? Find(KeyMetadata meta, long number) =>
        number > 0 && meta.Versions.TryGetValue((ulong)number, out var version) ? version : null;

    // ---- metadata -----------------------------------------------------------------------

    private DevReply ReadMetadata(string key)
    {
        if (!keys.TryGetValue(key, out var meta))
            return DevReply.Empty(StatusCodes.Status404NotFound);
        var versions = new JsonObject();
        foreach (var (number, version) in meta.Versions)
        {
            versions[number.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = GoFormat.Time(version.CreatedTime),
                ["deletion_time"] = GoFormat.Time(version.DeletionTime),
                ["destroyed"] = version.Destroyed,
            };
        }
        return DevReply.Ok(new JsonObject
        {
            ["cas_required"] = meta.CasRequired,
            ["created_time"] = GoFormat.Time(meta.CreatedTime),
            ["current_version"] = meta.CurrentVersion,
            ["custom_metadata"] = meta.CustomMetadataJson(),
            ["delete_version_after"] = GoFormat.Duration(meta.DeleteVersionAfter),
            ["max_versions"] = meta.MaxVersions,
            ["oldest_version"] = meta.OldestVersion,
            ["updated_time"] = GoFormat.Time(meta.UpdatedTime),
            ["versions"] = versions,
        });
    }

    private DevReply WriteMetadata(string key, VaultFields input, DateTimeOffset now)
    {
        var max = input.Int("max_versions");
        var cas = input.Bool("cas_required");
        var dva = input.DurationSeconds("delete_version_after", allowNegative: false);
        var customRaw = input.Map("custom_metadata");
        if (key.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "missing path");
        if (max is null && cas is null && dva is null && customRaw is null)
            return DevReply.NoContent();

        Dictionary<string, string>? custom = null;
        if (customRaw is not null)
        {
            if (ParseCustomMetadata(customRaw, filterNulls: false, out custom) is { } parseError)
                return DevReply.Error(StatusCodes.Status400BadRequest, parseError);
            if (ValidateCustomMetadata(custom) is { } invalid)
                return DevReply.Error(StatusCodes.Status400BadRequest, invalid);
        }

        var warnings = CasRequiredWarning(cas);
        if (!keys.TryGetValue(key, out var meta))
        {
            meta = new KeyMetadata { CreatedTime = now, UpdatedTime = now };
            keys[key] = meta;
        }
        if (max is { } m)
            meta.MaxVersions = unchecked((uint)m);
        if (cas is { } c)
            meta.CasRequired = c;
        if (dva is { } d)
            meta.DeleteVersionAfter = d;
        if (custom is not null)
            meta.CustomMetadata = custom;
        return warnings is null ? DevReply.NoContent() : DevReply.Ok(null, warnings);
    }

    /// <summary><c>pathMetadataPatch</c>: a JSON merge patch over the four settable fields.</summary>
    private DevReply PatchMetadata(string key, VaultFields input)
    {
        var max = input.Int("max_versions");
        var cas = input.Bool("cas_required");
        var dva = input.DurationSeconds("delete_version_after", allowNegative: false);
        if (key.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "missing path");

        var customGiven = input.Raw.TryGetPropertyValue("custom_metadata", out var customNode);
        if (customNode is JsonObject customPatch)
        {
            if (ParseCustomMetadata(customPatch, filterNulls: true, out var check) is { } parseError)
                return DevReply.Error(StatusCodes.Status400BadRequest, parseError);
            if (ValidateCustomMetadata(check) is { } invalid)
                return DevReply.Error(StatusCodes.Status400BadRequest, invalid);
        }
        else if (customNode is not null)
        {
            return DevReply.Error(StatusCodes.Status400BadRequest,
                $"error converting input {customNode.ToJsonString()} for field {GoFormat.Quote("custom_metadata")}: '' expected a map, got '{VaultFields.GoKind(customNode)}'");
        }
        if (!keys.TryGetValue(key, out var meta))
            return DevReply.EmptyJson(StatusCodes.Status404NotFound);

        var warnings = CasRequiredWarning(cas);
        if (max is { } m)
            meta.MaxVersions = unchecked((uint)m);
        if (cas is { } c)
            meta.CasRequired = c;
        if (dva is { } d)
            meta.DeleteVersionAfter = d;
        if (customGiven)
        {
            if (customNode is JsonObject patch)
            {
                var merged = new Dictionary<string, string>(meta.CustomMetadata ?? [], StringComparer.Ordinal);
                foreach (var (name, value) in patch)
                {
                    if (value is null)
                        merged.Remove(name);
                    else
                        merged[name] = VaultFields.WeakString(value) ?? "";
                }
                meta.CustomMetadata = merged;
            }
            else
            {
                meta.CustomMetadata = null;
            }
        }
        return warnings is null ? DevReply.NoContent() : DevReply.Ok(null, warnings);
    }

    private DevReply DeleteMetadata(string key)
    {
        keys.Remove(key);   // every version's data goes with it
        return DevReply.NoContent();
    }

    /// <summary>
    /// One level below the folder: secrets as <c>name</c>, folders as <c>name/</c>, sorted. OpenBao's
    /// optional <c>after</c> and <c>limit</c> page through them. Nothing to list is a 404.
    /// </summary>
    private DevReply ListKeys(string prefix, VaultFields input)
    {
        var after = input.String("after") ?? "";
        var limit = input.Int("limit") ?? 0;
        var children = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in keys.Keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length)
                continue;
            var rest = key[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            children.Add(slash < 0 ? rest : rest[..(slash + 1)]);
        }
        IEnumerable<string> page = children;
        if (after.Length > 0)
            page = page.Where(k => string.CompareOrdinal(k, after) > 0);
        if (limit > 0)
            page = page.Take((int)Math.Min(limit, int.MaxValue));
        var list = page.ToList();
        if (list.Count == 0)
            return DevReply.Empty(StatusCodes.Status404NotFound);
        return DevReply.Ok(new JsonObject { ["keys"] = new JsonArray([.. list.Select(k => (JsonNode)k)]) });
    }

    private List<string>? CasRequiredWarning(bool? cas) =>
        cas == false && configCasRequired
            ? ["\"cas_required\" set to false, but is mandated by backend config. This value will be ignored."]
            : null;

    /// <summary><c>parseCustomMetadata</c>: values are weakly decoded into strings.</summary>
    private static string? ParseCustomMetadata(JsonObject raw, bool filterNulls, out Dictionary<string, string> parsed)
    {
        parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            if (filterNulls && value is null)
                continue;
            if (VaultFields.WeakString(value) is not { } text)
                return $"{CustomMetadataPrefix}: '' expected type 'string', got unconvertible type '{VaultFields.GoKind(value)}'";
            parsed[name] = text;
        }
        return null;
    }

    /// <summary><c>validateCustomMetadata</c>: at most 64 keys; 0 &lt; len(key) ≤ 128; 0 &lt; len(value) ≤ 512 bytes; printable.</summary>
    private static string? ValidateCustomMetadata(Dictionary<string, string> custom)
    {
        if (custom.Count > MaxCustomMetadataKeys)
        {
            return GoFormat.MultiError([string.Create(CultureInfo.InvariantCulture,
                $"{CustomMetadataPrefix}: payload must contain at most {MaxCustomMetadataKeys} keys, provided {custom.Count}")]);
        }
        var errors = new List<string>();
        foreach (var (name, value) in custom.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var keyLength = Encoding.UTF8.GetByteCount(name);
            if (keyLength == 0 || keyLength > MaxCustomMetadataKeyLength)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{CustomMetadataPrefix}: length of key {GoFormat.Quote(name)} is {keyLength} but must be 0 < len(key) <= {MaxCustomMetadataKeyLength}"));
            }
            var valueLength = Encoding.UTF8.GetByteCount(value);
            if (valueLength == 0 || valueLength > MaxCustomMetadataValueLength)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{CustomMetadataPrefix}: length of value for key {GoFormat.Quote(name)} is {valueLength} but must be 0 < len(value) <= {MaxCustomMetadataValueLength}"));
            }
            if (!GoFormat.IsPrintable(name))
                errors.Add($"{CustomMetadataPrefix}: key {GoFormat.Quote(name)} ({name}) contains unprintable characters");
            if (!GoFormat.IsPrintable(value))
                errors.Add($"{CustomMetadataPrefix}: value for key {GoFormat.Quote(name)} contains unprintable characters");
        }
        return errors.Count == 0 ? null : GoFormat.MultiError(errors);
    }

    /// <summary>RFC 7386 JSON merge patch, as <c>framework.HandlePatchOperation</c> applies it.</summary>
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }
            var existing = result[name];
            result.Remove(name);
            result[name] = MergePatch(existing, value);
        }
        return result;
    }

    private static DevReply UnsupportedOperation() =>
        DevReply.Error(StatusCodes.Status405MethodNotAllowed, GoFormat.MultiError(["unsupported operation"]));

    private static bool TrySplit(string rest, string prefix, out string key)
    {
        if (rest.StartsWith(prefix, StringComparison.Ordinal))
        {
            key = rest[prefix.Length..];
            return true;
        }
        key = "";
        return false;
    }

    private sealed class KeyMetadata
    {
        public ulong CurrentVersion { get; set; }
        public ulong OldestVersion { get; set; }
        public DateTimeOffset? CreatedTime { get; set; }
        public DateTimeOffset? UpdatedTime { get; set; }
        public uint MaxVersions { get; set; }
        public bool CasRequired { get; set; }
        public long DeleteVersionAfter { get; set; }
        public Dictionary<string, string>? CustomMetadata { get; set; }
        public SortedDictionary<ulong, VersionMetadata> Versions { get; } = [];

        /// <summary>Stored as a protobuf map, so an empty map reads back as null.</summary>
        public JsonObject? CustomMetadataJson()
        {
            if (CustomMetadata is not { Count: > 0 } custom)
                return null;
            var json = new JsonObject();
            foreach (var (name, value) in custom)
                json[name] = value;
            return json;
        }
    }

    private sealed class VersionMetadata(DateTimeOffset createdTime, JsonObject data)
    {
        public DateTimeOffset CreatedTime { get; } = createdTime;
        public DateTimeOffset? DeletionTime { get; set; }
        public bool Destroyed { get; private set; }
        public JsonObject? Data { get; private set; } = data;

        /// <summary>Deleted once its deletion time has come (soft delete, or delete_version_after).</summary>
        public bool IsDeleted(DateTimeOffset now) => DeletionTime is { } at && at <= now;

        public void Destroy()
        {
            Destroyed = true;
            Data = null;
        }
    }
}
