using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Secrets.Providers.DevServer;

/// <summary>
/// One KV version 2 mount, in memory, as OpenBao's KV plugin (<c>internal/builtin/logical/kv/</c>) and its
/// framework answer: the same paths in the same order (<c>config</c>, <c>data/</c>, <c>metadata/</c>,
/// <c>detailed-metadata/</c>, <c>destroy/</c>, <c>subkeys/</c>, <c>delete/</c>, <c>undelete/</c>, and the
/// invalid-path answer for everything else), each path's field schema (validated before the handler, with
/// the existence check's wording for writes to <c>data/</c> and <c>metadata/</c>), the warning for unrecognised
/// parameters, and each handler's checks in its order with its texts and status codes. Not thread-safe:
/// <see cref="DevVault"/> serialises every call.
/// </summary>
internal sealed class DevKvMount(string path, string description)
{
    private const uint DefaultMaxVersions = 10;
    private const long DisabledDeleteVersionAfter = -1;
    private const int MaxCustomMetadataKeys = 64;
    private const int MaxCustomMetadataKeyLength = 128;
    private const int MaxCustomMetadataValueLength = 512;
    private const string CustomMetadataPrefix = "custom_metadata validation failed";
    private const string CasRequiredWarning = "\"cas_required\" set to false, but is mandated by backend config. This value will be ignored.";
    private const string MetadataCasRequiredWarning = "\"metadata_cas_required\" set to false, but is mandated by backend config. This value will be ignored.";

    private static readonly Dictionary<string, FieldType> ConfigFields = new(StringComparer.Ordinal)
    {
        ["max_versions"] = FieldType.Int,
        ["cas_required"] = FieldType.Bool,
        ["metadata_cas_required"] = FieldType.Bool,
        ["delete_version_after"] = FieldType.SignedDurationSecond,
    };

    private static readonly Dictionary<string, FieldType> DataFields = new(StringComparer.Ordinal)
    {
        ["path"] = FieldType.String,
        ["version"] = FieldType.Int,
        ["options"] = FieldType.Map,
        ["data"] = FieldType.Map,
    };

    private static readonly Dictionary<string, FieldType> MetadataFields = new(StringComparer.Ordinal)
    {
        ["path"] = FieldType.String,
        ["cas_required"] = FieldType.Bool,
        ["metadata_cas_required"] = FieldType.Bool,
        ["max_versions"] = FieldType.Int,
        ["delete_version_after"] = FieldType.DurationSecond,
        ["custom_metadata"] = FieldType.Map,
        ["metadata_cas"] = FieldType.Int,
        ["after"] = FieldType.String,
        ["limit"] = FieldType.Int,
    };

    private static readonly Dictionary<string, FieldType> DetailedMetadataFields = new(StringComparer.Ordinal)
    {
        ["path"] = FieldType.String,
        ["after"] = FieldType.String,
        ["limit"] = FieldType.Int,
    };

    private static readonly Dictionary<string, FieldType> VersionsFields = new(StringComparer.Ordinal)
    {
        ["path"] = FieldType.String,
        ["versions"] = FieldType.CommaIntSlice,
    };

    private static readonly Dictionary<string, FieldType> SubkeysFields = new(StringComparer.Ordinal)
    {
        ["path"] = FieldType.String,
        ["depth"] = FieldType.Int,
        ["version"] = FieldType.Int,
    };

    private static readonly Dictionary<string, FieldType> NoFields = new(StringComparer.Ordinal);

    private readonly Dictionary<string, DevKeyMetadata> keys = new(StringComparer.Ordinal);
    private uint configMaxVersions;
    private bool configCasRequired;
    private bool configMetadataCasRequired;
    private long configDeleteVersionAfter;   // seconds; 0 = unset, -1 = disabled

    private enum PathKind { Config, Data, Metadata, DetailedMetadata, Destroy, Subkeys, Delete, Undelete, Invalid }

    /// <summary>One path of the plugin: its captured key, its fields, whether writes to it run the existence check, and its operations.</summary>
    private sealed record Route(PathKind Kind, string? Key, Dictionary<string, FieldType> Fields, bool ExistenceCheck, DevOperation[] Operations);

    /// <summary>The mount path with its trailing slash, e.g. <c>secret/</c>.</summary>
    public string Path { get; } = path;

    public string Description { get; } = description;

    public string Accessor { get; } = "kv_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray(), 0, 4);

    public string Uuid { get; } = Guid.NewGuid().ToString();

    /// <summary>
    /// <c>framework.Backend.HandleRequest</c> for a path that has lost its mount prefix (<c>data/app</c>): route,
    /// existence-check validation for writes, the operation, field validation, the handler, the framework's warnings.
    /// </summary>
    public DevReply Handle(DevRequest request, string rest, DateTimeOffset now)
    {
        var route = Match(rest);
        var raw = (JsonObject)request.Input.DeepClone();
        var replaced = new List<string>();
        if (route.Key is not null)
        {
            if (raw["path"] is not null)
                replaced.Add("path");
            raw["path"] = route.Key;   // the URL takes priority over the body
        }
        var fields = new DevFields(raw, route.Fields, request.FromQuery);
        var unrecognized = new DevFields(request.Input, route.Fields, request.FromQuery).Unrecognized;

        // writes to a path with an existence check are validated there first, and that error has no prefix
        if (request.Operation == DevOperation.Update && route.ExistenceCheck && fields.Validate() is { } existenceError)
            return DevReply.Error(StatusCodes.Status400BadRequest, existenceError);
        if (!route.Operations.Contains(request.Operation))
            return UnsupportedOperation();
        if (fields.Validate() is { } error)
            return DevReply.Error(StatusCodes.Status400BadRequest, "Field validation failed: " + error);

        var reply = Dispatch(route, request.Operation, rest, fields, now);
        var warnings = new List<string>();
        if (unrecognized.Count > 0)
            warnings.Add($"Endpoint ignored these unrecognized parameters: [{string.Join(' ', unrecognized)}]");
        if (replaced.Count > 0)
            warnings.Add($"Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [{string.Join(' ', replaced)}]");
        return reply.WithWarnings(warnings);
    }

    private static Route Match(string rest)
    {
        DevOperation[] all = [DevOperation.Read, DevOperation.List, DevOperation.Scan, DevOperation.Update, DevOperation.Delete, DevOperation.Patch];
        if (rest == "config")
            return new Route(PathKind.Config, null, ConfigFields, false, [DevOperation.Read, DevOperation.Update]);
        if (After(rest, "data/") is { } data)
            return new Route(PathKind.Data, data, DataFields, true, [DevOperation.Update, DevOperation.Read, DevOperation.Delete, DevOperation.Patch]);
        if (After(rest, "metadata/") is { } metadata)
            return new Route(PathKind.Metadata, metadata, MetadataFields, true, [DevOperation.Update, DevOperation.Read, DevOperation.Delete, DevOperation.List, DevOperation.Scan, DevOperation.Patch]);
        if (After(rest, "detailed-metadata/") is { } detailed)
            return new Route(PathKind.DetailedMetadata, detailed, DetailedMetadataFields, true, [DevOperation.List, DevOperation.Scan]);
        if (After(rest, "destroy/") is { } destroy)
            return new Route(PathKind.Destroy, destroy, VersionsFields, false, [DevOperation.Update]);
        if (After(rest, "subkeys/") is { } subkeys)
            return new Route(PathKind.Subkeys, subkeys, SubkeysFields, false, [DevOperation.Read]);
        if (After(rest, "delete/") is { } delete)
            return new Route(PathKind.Delete, delete, VersionsFields, false, [DevOperation.Update]);
        if (After(rest, "undelete/") is { } undelete)
            return new Route(PathKind.Undelete, undelete, VersionsFields, false, [DevOperation.Update]);
        return new Route(PathKind.Invalid, null, NoFields, false, all);
    }

    private static string? After(string rest, string prefix) =>
        rest.StartsWith(prefix, StringComparison.Ordinal) ? rest[prefix.Length..] : null;

    private DevReply Dispatch(Route route, DevOperation op, string rest, DevFields fields, DateTimeOffset now)
    {
        var key = route.Key ?? "";
        return (route.Kind, op) switch
        {
            (PathKind.Config, DevOperation.Read) => ReadConfig(),
            (PathKind.Config, _) => WriteConfig(fields),
            (PathKind.Data, DevOperation.Read) => ReadData(key, fields, now),
            (PathKind.Data, DevOperation.Update) => WriteData(key, fields, now),
            (PathKind.Data, DevOperation.Patch) => PatchData(key, fields, now),
            (PathKind.Data, _) => DeleteLatest(key, now),
            (PathKind.Metadata, DevOperation.Read) => ReadMetadata(key),
            (PathKind.Metadata, DevOperation.Update) => WriteMetadata(key, fields, now),
            (PathKind.Metadata, DevOperation.Patch) => PatchMetadata(key, fields, now),
            (PathKind.Metadata, DevOperation.Delete) => DeleteMetadata(key),
            (PathKind.Metadata or PathKind.DetailedMetadata, DevOperation.List) => List(key, fields, route.Kind == PathKind.DetailedMetadata),
            (PathKind.Metadata or PathKind.DetailedMetadata, _) => Scan(key, route.Kind == PathKind.DetailedMetadata),
            (PathKind.Destroy, _) => DestroyVersions(key, fields),
            (PathKind.Subkeys, _) => ReadSubkeys(key, fields, now),
            (PathKind.Delete, _) => DeleteVersions(key, fields, now),
            (PathKind.Undelete, _) => UndeleteVersions(key, fields, now),
            _ => InvalidPath(rest, op),
        };
    }

    // ---- config (path_config.go) --------------------------------------------------------------

    private DevReply ReadConfig() => DevReply.Ok(new JsonObject
    {
        ["cas_required"] = configCasRequired,
        ["delete_version_after"] = GoFormat.Duration(configDeleteVersionAfter),
        ["max_versions"] = configMaxVersions,
        ["metadata_cas_required"] = configMetadataCasRequired,
    });

    private DevReply WriteConfig(DevFields fields)
    {
        var max = fields.Int("max_versions");
        var cas = fields.Bool("cas_required");
        var metadataCas = fields.Bool("metadata_cas_required");
        var dva = fields.Seconds("delete_version_after");
        if (max is null && cas is null && metadataCas is null && dva is null)
            return DevReply.NoContent();
        if (max is { } m)
            configMaxVersions = unchecked((uint)m);
        if (cas is { } c)
            configCasRequired = c;
        if (metadataCas is { } mc)
            configMetadataCasRequired = mc;
        if (dva is { } d)
            configDeleteVersionAfter = d < 0 ? DisabledDeleteVersionAfter : d;
        return DevReply.NoContent();
    }

    // ---- data (path_data.go) ------------------------------------------------------------------

    private DevReply ReadData(string key, DevFields fields, DateTimeOffset now)
    {
        if (!keys.TryGetValue(key, out var meta))
            return NotFound();
        var requested = fields.Int("version") ?? 0;
        var number = requested > 0 ? (ulong)requested : meta.CurrentVersion;
        if (!meta.Versions.TryGetValue(number, out var version))
            return NotFound();
        var metadata = version.Describe(number, meta.CustomMetadataJson());
        if (version.IsDeleted(now) || version.Destroyed)
            return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, new JsonObject { ["data"] = null, ["metadata"] = metadata });
        if (GoJson.ThroughFloat64(version.Data, out var data) is { } error)
            return InternalError(error);
        return DevReply.Ok(new JsonObject { ["data"] = data, ["metadata"] = metadata });
    }

    private DevReply WriteData(string key, DevFields fields, DateTimeOffset now)
    {
        if (key.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "missing path");
        if (!fields.Has("data"))
            return DevReply.Error(StatusCodes.Status400BadRequest, "no data provided");
        var data = fields.Map("data");

        var meta = keys.GetValueOrDefault(key) ?? new DevKeyMetadata();
        if (CheckAndSet(fields, meta) is { } casError)
            return DevReply.Error(StatusCodes.Status400BadRequest, casError);

        var version = AddVersion(meta, data?.DeepClone(), now);
        keys[key] = meta;
        return DevReply.Ok(version.Describe(meta.CurrentVersion, meta.CustomMetadataJson()));
    }

    private DevReply PatchData(string key, DevFields fields, DateTimeOffset now)
    {
        if (!fields.Has("data"))
            return DevReply.Error(StatusCodes.Status400BadRequest, "no data provided");
        if (!keys.TryGetValue(key, out var meta))
            return DevReply.EmptyJson(StatusCodes.Status404NotFound);
        if (CheckAndSet(fields, meta) is { } casError)
            return DevReply.Error(StatusCodes.Status400BadRequest, casError);
        if (!meta.Versions.TryGetValue(meta.CurrentVersion, out var current))
            return DevReply.EmptyJson(StatusCodes.Status404NotFound);
        if (current.IsDeleted(now) || current.Destroyed)
            return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, current.Describe(meta.CurrentVersion, meta.CustomMetadataJson()));

        // the stored data goes through float64 on its way to the merge, as json.Unmarshal into a map does
        if (GoJson.ThroughFloat64(current.Data, out var existing) is { } error)
            return InternalError(error);
        var merged = MergePatch(existing, fields.Map("data"));
        var version = AddVersion(meta, merged, now);
        return DevReply.Ok(version.Describe(meta.CurrentVersion, meta.CustomMetadataJson()));
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

    /// <summary><c>validateCheckAndSetOption</c>: a given cas must equal the current version; cas_required demands one.</summary>
    private string? CheckAndSet(DevFields fields, DevKeyMetadata meta)
    {
        if (fields.Map("options") is { } options && options.TryGetPropertyValue("cas", out var raw))
        {
            if (fields.WeakInt("", raw, out var cas) is not null)
                return "error parsing check-and-set parameter";
            return unchecked((ulong)cas) != meta.CurrentVersion ? "check-and-set parameter did not match the current version" : null;
        }
        return configCasRequired || meta.CasRequired ? "check-and-set parameter required for this call" : null;
    }

    /// <summary><c>KeyMetadata.AddVersion</c>: the new version, then the sliding window of max versions.</summary>
    private DevVersion AddVersion(DevKeyMetadata meta, JsonNode? data, DateTimeOffset now)
    {
        var version = new DevVersion(now, data) { DeletionTime = ScheduledDeletion(now, meta) };
        meta.CurrentVersion++;
        meta.Versions[meta.CurrentVersion] = version;
        meta.UpdatedTime = now;
        meta.CreatedTime ??= now;

        // The plugin keeps the larger of the key's and the mount's max_versions (0 = unset).
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

    /// <summary><c>deletionTime</c>: from <paramref name="from"/>, the smaller non-zero delete_version_after of mount and key.</summary>
    private DateTimeOffset? ScheduledDeletion(DateTimeOffset from, DevKeyMetadata meta)
    {
        if (configDeleteVersionAfter == DisabledDeleteVersionAfter)
            return null;
        var (mount, key) = (configDeleteVersionAfter, meta.DeleteVersionAfter);
        if (mount == 0 && key == 0)
            return null;
        var min = key;
        if ((mount != 0 && mount < min) || min == 0)
            min = mount;
        return from.AddSeconds(min);
    }

    // ---- delete / undelete / destroy (path_delete.go, path_destroy.go) -------------------------------

    private DevReply DeleteVersions(string key, DevFields fields, DateTimeOffset now) =>
        ChangeVersions(key, fields, "No version number provided", (_, version) =>
        {
            if (!version.IsDeleted(now))
                version.DeletionTime = now;
        });

    private DevReply UndeleteVersions(string key, DevFields fields, DateTimeOffset now) =>
        ChangeVersions(key, fields, "No version number provided", (meta, version) => version.DeletionTime = ScheduledDeletion(now, meta));

    // the plugin words this one message in lower case
    private DevReply DestroyVersions(string key, DevFields fields) =>
        ChangeVersions(key, fields, "no version number provided", (_, version) => version.Destroy());

    /// <summary>Applies <paramref name="change"/> to each named version that is not destroyed; unknown ones (and 0) are skipped.</summary>
    private DevReply ChangeVersions(string key, DevFields fields, string noVersions, Action<DevKeyMetadata, DevVersion> change)
    {
        var versions = fields.IntSlice("versions");
        if (versions.Count == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, noVersions);
        if (keys.TryGetValue(key, out var meta))
        {
            foreach (var number in versions)
            {
                if (meta.Versions.TryGetValue(unchecked((ulong)number), out var version) && !version.Destroyed)
                    change(meta, version);
            }
        }
        return DevReply.NoContent();
    }

    // ---- metadata (path_metadata.go) ----------------------------------------------------------

    private DevReply ReadMetadata(string key) =>
        keys.TryGetValue(key, out var meta) ? DevReply.Ok(meta.Describe()) : NotFound();

    private DevReply WriteMetadata(string key, DevFields fields, DateTimeOffset now)
    {
        if (key.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "missing path");
        var max = fields.Int("max_versions");
        var cas = fields.Bool("cas_required");
        var metadataCasRequired = fields.Bool("metadata_cas_required");
        var metadataCas = fields.Int("metadata_cas");
        var dva = fields.Seconds("delete_version_after");
        var customGiven = fields.Has("custom_metadata");
        // the fast path: metadata_cas alone changes nothing, even when it is wrong
        if (max is null && cas is null && dva is null && !customGiven && metadataCasRequired is null)
            return DevReply.NoContent();

        Dictionary<string, string>? custom = null;
        if (customGiven)
        {
            if (ParseCustomMetadata(fields.Map("custom_metadata"), filterNulls: false, out custom) is { } invalid)
                return DevReply.Error(StatusCodes.Status400BadRequest, invalid);
        }

        var warnings = new List<string>();
        if (cas == false && configCasRequired)
            warnings.Add(CasRequiredWarning);
        if (metadataCasRequired == false && configMetadataCasRequired)
            warnings.Add(MetadataCasRequiredWarning);

        var meta = keys.GetValueOrDefault(key);
        if (((meta?.MetadataCasRequired ?? false) || configMetadataCasRequired) && metadataCas is null)
            return DevReply.Error(StatusCodes.Status400BadRequest, "metadata check-and-set parameter required for this call");
        if (meta is null)
        {
            if (metadataCas is { } given && given != 0)
                return DevReply.Error(StatusCodes.Status400BadRequest, "metadata_cas must be 0 when creating new metadata");
            meta = new DevKeyMetadata { CreatedTime = now, UpdatedTime = now, CurrentMetadataVersion = 1 };
            keys[key] = meta;
        }
        else
        {
            if (metadataCas is { } given && unchecked((ulong)given) != meta.CurrentMetadataVersion)
                return DevReply.Error(StatusCodes.Status400BadRequest, "metadata check-and-set parameter does not match the current version");
            meta.CurrentMetadataVersion++;
            meta.UpdatedTime = now;
        }
        Apply(meta, max, cas, metadataCasRequired, dva);
        if (custom is not null)
            meta.CustomMetadata = custom;
        return warnings.Count == 0 ? DevReply.NoContent() : DevReply.Ok(null, warnings);
    }

    /// <summary><c>pathMetadataPatch</c>: a JSON merge patch over the five patchable fields, under metadata check-and-set.</summary>
    private DevReply PatchMetadata(string key, DevFields fields, DateTimeOffset now)
    {
        var max = fields.Int("max_versions");
        var cas = fields.Bool("cas_required");
        var metadataCasRequired = fields.Bool("metadata_cas_required");
        var dva = fields.Seconds("delete_version_after");
        var customGiven = fields.Has("custom_metadata");
        if (max is null && cas is null && metadataCasRequired is null && dva is null && !customGiven)
            return DevReply.NoContent();   // nothing to patch: before the key is even looked up
        if (key.Length == 0)
            return DevReply.Error(StatusCodes.Status400BadRequest, "missing path");
        var customPatch = fields.Map("custom_metadata");
        if (customGiven && ParseCustomMetadata(customPatch, filterNulls: true, out _) is { } invalid)
            return DevReply.Error(StatusCodes.Status400BadRequest, invalid);
        if (!keys.TryGetValue(key, out var meta))
            return DevReply.EmptyJson(StatusCodes.Status404NotFound);

        var metadataCas = fields.Int("metadata_cas");
        if ((meta.MetadataCasRequired || configMetadataCasRequired) && metadataCas is null)
            return DevReply.Error(StatusCodes.Status400BadRequest, "metadata check-and-set parameter required for this call");
        if (metadataCas is { } given && unchecked((ulong)given) != meta.CurrentMetadataVersion)
            return DevReply.Error(StatusCodes.Status400BadRequest, "metadata check-and-set parameter does not match the current version");

        var warnings = new List<string>();
        if (cas == false && configCasRequired)
            warnings.Add(CasRequiredWarning);
        if (metadataCasRequired == false && configMetadataCasRequired)
            warnings.Add(MetadataCasRequiredWarning);

        Apply(meta, max, cas, metadataCasRequired, dva);
        if (customGiven)
        {
            if (customPatch is null)
            {
                meta.CustomMetadata = null;   // merge patch: null removes the member
            }
            else
            {
                var merged = new Dictionary<string, string>(meta.CustomMetadata ?? [], StringComparer.Ordinal);
                foreach (var (name, value) in customPatch)
                {
                    if (value is null)
                        merged.Remove(name);
                    else
                        merged[name] = DevFields.WeakString(value) ?? "";
                }
                meta.CustomMetadata = merged;
            }
        }
        meta.CurrentMetadataVersion++;
        meta.UpdatedTime = now;
        return warnings.Count == 0 ? DevReply.NoContent() : DevReply.Ok(null, warnings);
    }

    private static void Apply(DevKeyMetadata meta, long? max, bool? cas, bool? metadataCasRequired, long? dva)
    {
        if (max is { } m)
            meta.MaxVersions = unchecked((uint)m);
        if (cas is { } c)
            meta.CasRequired = c;
        if (metadataCasRequired is { } mc)
            meta.MetadataCasRequired = mc;
        if (dva is { } d)
            meta.DeleteVersionAfter = d;
    }

    private DevReply DeleteMetadata(string key)
    {
        keys.Remove(key);   // every version's data goes with it
        return DevReply.NoContent();
    }

    /// <summary>
    /// LIST: one level below the folder, secrets as <c>name</c> and folders as <c>name/</c>, sorted, strictly after
    /// <c>after</c>, at most <c>limit</c> (0 or less: all). <c>detailed-metadata/</c> adds each entry's metadata, found
    /// by <c>filepath.Join</c> — so a folder shows the metadata of a secret of the same name. Nothing to list is a 404.
    /// </summary>
    private DevReply List(string prefix, DevFields fields, bool detailed)
    {
        var after = fields.String("after") ?? "";
        var limit = fields.Int("limit") ?? 0;
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
        var names = page.ToList();
        return ListResponse(names, detailed ? names.ToDictionary(n => n, n => KeyInfo(JoinPath(prefix, n))) : null);
    }

    /// <summary>SCAN: every secret below the folder, recursively, relative to it.</summary>
    private DevReply Scan(string prefix, bool detailed)
    {
        var names = keys.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.Length > prefix.Length)
            .Select(k => k[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
        return ListResponse(names, detailed ? names.ToDictionary(n => n, n => KeyInfo(JoinPath(prefix, n))) : null);
    }

    private JsonObject KeyInfo(string key) => keys.TryGetValue(key, out var meta) ? meta.Describe() : [];

    private static DevReply ListResponse(List<string> names, Dictionary<string, JsonObject>? info)
    {
        if (names.Count == 0)
            return NotFound();
        var data = new JsonObject { ["keys"] = new JsonArray([.. names.Select(k => (JsonNode)k)]) };
        if (info is not null)
        {
            var keyInfo = new JsonObject();
            foreach (var (name, value) in info)
                keyInfo[name] = value;
            data["key_info"] = keyInfo;
        }
        return DevReply.Ok(data);
    }

    /// <summary>Go's <c>filepath.Join</c> for a folder and an entry: one slash between, none at the end.</summary>
    private static string JoinPath(string folder, string entry)
    {
        var joined = (folder + entry).TrimEnd('/');
        while (joined.Contains("//", StringComparison.Ordinal))
            joined = joined.Replace("//", "/", StringComparison.Ordinal);
        return joined;
    }

    /// <summary><c>parseCustomMetadata</c> and <c>validateCustomMetadata</c>: values weakly decoded into strings, then the limits.</summary>
    private static string? ParseCustomMetadata(JsonObject? raw, bool filterNulls, out Dictionary<string, string> parsed)
    {
        parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw ?? [])
        {
            if (filterNulls && value is null)
                continue;
            if (DevFields.WeakString(value) is not { } text)
                return $"{CustomMetadataPrefix}: '' expected type 'string', got unconvertible type '{(value is JsonObject ? "map[string]interface {}" : "[]interface {}")}'";
            parsed[name] = text;
        }
        return ValidateCustomMetadata(parsed);
    }

    /// <summary>At most 64 keys; 0 &lt; len(key) ≤ 128; 0 &lt; len(value) ≤ 512 bytes; printable. OpenBao lists the errors in map order; this sorts them.</summary>
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

    // ---- subkeys (path_subkeys.go) ----------------------------------------------------------------

    private DevReply ReadSubkeys(string key, DevFields fields, DateTimeOffset now)
    {
        if (!keys.TryGetValue(key, out var meta))
            return NotFound();
        var depth = fields.Int("depth") ?? 0;
        var requested = fields.Int("version") ?? 0;
        var number = requested > 0 ? (ulong)requested : meta.CurrentVersion;
        if (!meta.Versions.TryGetValue(number, out var version))
            return NotFound();
        var metadata = version.Describe(number, meta.CustomMetadataJson());
        if (version.IsDeleted(now) || version.Destroyed)
            return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, new JsonObject { ["metadata"] = metadata, ["subkeys"] = null });
        var subkeys = version.Data is JsonObject data ? RemoveValues(data, depth, 1) : null;
        return DevReply.Ok(new JsonObject { ["metadata"] = metadata, ["subkeys"] = subkeys });
    }

    /// <summary><c>removeValues</c>: leaves (non-maps, empty maps, maps below <paramref name="maxDepth"/>) become null.</summary>
    private static JsonObject RemoveValues(JsonObject map, long maxDepth, long depth)
    {
        var result = new JsonObject();
        foreach (var (name, value) in map)
        {
            var deeper = depth + 1;
            result[name] = value is JsonObject { Count: > 0 } child && (maxDepth == 0 || deeper <= maxDepth)
                ? RemoveValues(child, maxDepth, deeper)
                : null;
        }
        return result;
    }

    // ---- everything else (backend.go pathInvalid) ------------------------------------------------

    private static DevReply InvalidPath(string rest, DevOperation op)
    {
        if (rest is "metadata" or "data" or "delete" or "undelete" or "destroy")
            return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, null, ["Non-listing operations on the root of a K/V v2 mount are not supported."]);
        var command = op switch
        {
            DevOperation.Update => "put",
            DevOperation.Patch => "patch",
            DevOperation.Read => "get",
            DevOperation.List => "list",
            DevOperation.Scan => "scan",
            _ => "delete",
        };
        return DevReply.EnvelopeWithStatus(StatusCodes.Status404NotFound, null,
            [$"Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv {command}' for this operation."]);
    }

    /// <summary>RFC 7396 JSON merge patch, as <c>framework.HandlePatchOperation</c> applies it.</summary>
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

    private static DevReply NotFound() => DevReply.Empty(StatusCodes.Status404NotFound);

    private static DevReply UnsupportedOperation() =>
        DevReply.Error(StatusCodes.Status405MethodNotAllowed, GoFormat.MultiError(["unsupported operation"]));

    private static DevReply InternalError(string error) =>
        DevReply.Error(StatusCodes.Status500InternalServerError, GoFormat.MultiError([error]));
}
