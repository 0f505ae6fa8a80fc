using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>The OpenBao / HashiCorp Vault KVv2 store: every capability, through <see cref="Kv2HttpClient"/>.</summary>
internal sealed class Kv2Store(Kv2HttpClient client, TimeSpan casBudget, TimeProvider time) : IKvStore, IDisposable
{
    /// <summary>Updates of one path from this process queue on a lock stripe; CAS covers other processes.</summary>
    private readonly SemaphoreSlim[] stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public void Dispose()
    {
        foreach (var stripe in stripes)
            stripe.Dispose();
    }

    public string Scheme => client.Scheme;

    /// <summary>The HTTP client under this store; the conformance suite sends the KV v2 table's requests through it.</summary>
    internal Kv2HttpClient Client => client;

    public KvCapabilities Capabilities =>
        KvCapabilities.Read | KvCapabilities.PinnedRead | KvCapabilities.Write | KvCapabilities.CheckAndSet | KvCapabilities.SoftDelete
        | KvCapabilities.Undelete | KvCapabilities.Destroy | KvCapabilities.List | KvCapabilities.CustomMetadata | KvCapabilities.VersionMetadata;

    public async Task<KvEntry?> ReadAsync(KvPath path, int? version, CancellationToken ct)
    {
        var read = await client.ReadAsync(path.Mount, path.Path, version, ct);
        if (read is null)
            return null;
        if (read.Data is null)
        {
            if (version is null)
                return null;   // the latest version is deleted or destroyed: nothing to read
            throw new SecretsProblem(read.Metadata!.Destroyed ? ErrorCode.VersionDestroyed : ErrorCode.VersionDeleted);
        }
        return new KvEntry(ToMap(read.Data), read.Metadata?.Version);
    }

    public async Task<int?> WriteAsync(KvPath path, SecretMap data, int? cas, CancellationToken ct) =>
        (await client.WriteAsync(path.Mount, path.Path, ToJson(data), cas, ct)).Version;

    /// <summary>
    /// Read-modify-write with check-and-set. Writers in this process take turns per path; a writer
    /// elsewhere that gets in between makes the CAS fail, and the change is re-applied to a fresh read
    /// after a short jittered pause, until the budget (<c>VAULT_TIMEOUT</c>) is spent: then 503.
    /// </summary>
    public async Task<int?> UpdateAsync(KvPath path, Func<SecretMap?, SecretMap> change, CancellationToken ct)
    {
        var stripe = Stripe(path);
        await stripe.WaitAsync(ct);
        try
        {
            var deadline = DateTime.UtcNow + casBudget;
            for (var attempt = 1; ; attempt++)
            {
                var read = await client.ReadAsync(path.Mount, path.Path, null, ct);
                var current = read?.Data is { } data ? ToMap(data) : null;
                var cas = read?.Metadata?.Version ?? 0;
                try
                {
                    return (await client.WriteAsync(path.Mount, path.Path, ToJson(change(current)), cas, ct)).Version;
                }
                catch (SecretsProblem problem) when (problem.Code == ErrorCode.CasMismatch)
                {
                    await LostRaceAsync(attempt, deadline, ct);
                }
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>A lost check-and-set race: a short jittered pause before the next try, or 503 once the budget is spent.</summary>
    private static Task LostRaceAsync(int attempt, DateTime deadline, CancellationToken ct)
    {
        if (DateTime.UtcNow >= deadline)
            throw new SecretsProblem(ErrorCode.ProviderUnavailable, TimeSpan.FromSeconds(1));
        return Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(attempt, 10))), ct);
    }

    private SemaphoreSlim Stripe(KvPath path) =>
        stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(path.ToString()) % (uint)stripes.Length)];

    public async Task<bool> DeleteAsync(KvPath path, IReadOnlyList<int>? versions, CancellationToken ct)
    {
        var metadata = await client.ReadMetadataAsync(path.Mount, path.Path, ct);
        if (metadata is null || !HasLiveVersion(metadata, versions))
            return false;
        if (versions is null)
            await client.DeleteLatestAsync(path.Mount, path.Path, ct);
        else
            await client.DeleteVersionsAsync(path.Mount, path.Path, versions, ct);
        return true;
    }

    public Task UndeleteAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct) =>
        RequireMetadataThen(path, () => client.UndeleteAsync(path.Mount, path.Path, versions, ct), ct);

    public Task DestroyAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct) =>
        RequireMetadataThen(path, () => client.DestroyAsync(path.Mount, path.Path, versions, ct), ct);

    public async Task<bool> DestroyAllAsync(KvPath path, CancellationToken ct)
    {
        if (await client.ReadMetadataAsync(path.Mount, path.Path, ct) is null)
            return false;
        await client.DeleteMetadataAsync(path.Mount, path.Path, ct);
        return true;
    }

    public async Task<KvMetadata?> ReadMetadataAsync(KvPath path, CancellationToken ct)
    {
        var m = await client.ReadMetadataAsync(path.Mount, path.Path, ct);
        if (m is null)
            return null;
        var versions = (m.Versions ?? [])
            .Select(v => new KvVersionInfo(int.Parse(v.Key, CultureInfo.InvariantCulture), Time(v.Value.CreatedTime), Time(v.Value.DeletionTime), v.Value.Destroyed))
            .OrderBy(v => v.Version)
            .ToList();
        return new KvMetadata(m.CurrentVersion, Time(m.CreatedTime), Time(m.UpdatedTime), m.CustomMetadata ?? [], versions, null);
    }

    /// <summary>
    /// Read-modify-write of the custom metadata. OpenBao (2.4 on) counts metadata writes: the count read goes back as
    /// <c>metadata_cas</c>, so a writer in between makes the write fail and the change is applied again to a fresh read,
    /// as <see cref="UpdateAsync"/> does for data. Where the server counts nothing (HashiCorp Vault, older OpenBao) the
    /// write carries no count. A key not there yet is written without one, and again with 0 when the mount requires one.
    /// </summary>
    public async Task UpdateCustomMetadataAsync(KvPath path, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>?> change, CancellationToken ct)
    {
        var stripe = Stripe(path);
        await stripe.WaitAsync(ct);
        try
        {
            var deadline = DateTime.UtcNow + casBudget;
            for (var attempt = 1; ; attempt++)
            {
                var metadata = await client.ReadMetadataAsync(path.Mount, path.Path, ct);
                if (change(metadata?.CustomMetadata ?? []) is not { } next)
                    return;
                var count = metadata?.CurrentMetadataVersion;
                var outcome = await client.WriteCustomMetadataAsync(path.Mount, path.Path, next, count, ct);
                if (outcome == MetadataWrite.CasRequired && metadata is null)
                    outcome = await client.WriteCustomMetadataAsync(path.Mount, path.Path, next, 0, ct);   // the mount asks even for a new key
                switch (outcome)
                {
                    case MetadataWrite.Written:
                        return;
                    case MetadataWrite.CasRequired:
                        throw new SecretsProblem(ErrorCode.ProviderError);   // asks for a count it never showed
                    default:
                        await LostRaceAsync(attempt, deadline, ct);
                        break;
                }
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    public async IAsyncEnumerable<string> ListAsync(KvPath prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var key in await client.ListAsync(prefix.Mount, prefix.Path, ct))
            yield return key;
    }

    public Task CheckReadyAsync(CancellationToken ct) => client.CheckHealthAsync(ct);

    private async Task RequireMetadataThen(KvPath path, Func<Task> action, CancellationToken ct)
    {
        if (await client.ReadMetadataAsync(path.Mount, path.Path, ct) is null)
            throw new SecretsProblem(ErrorCode.SecretNotFound);
        await action();
    }

    /// <summary>
    /// Whether there is a version to delete. As OpenBao decides (kv/path_data.go): a version is deleted once its
    /// <c>deletion_time</c> has passed; a future one (set by <c>delete_version_after</c>) only schedules the deletion.
    /// </summary>
    private bool HasLiveVersion(KvMetadataData metadata, IReadOnlyList<int>? versions)
    {
        if (versions is not null)
            return true;
        var key = metadata.CurrentVersion.ToString(CultureInfo.InvariantCulture);
        return metadata.Versions?.TryGetValue(key, out var current) == true && !current.Destroyed
            && !(Time(current.DeletionTime) is { } deletion && deletion <= time.GetUtcNow());
    }

    /// <summary>
    /// An RFC 3339 time as OpenBao writes it: Go's <c>RFC3339Nano</c>, up to nine fraction digits (read to the nearest
    /// 100 ns), or whole seconds (OpenBao 2.4.0 to 2.4.2).
    /// </summary>
    internal static DateTimeOffset? Time(string? value) =>
        string.IsNullOrEmpty(value) ? null : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static SecretMap ToMap(Dictionary<string, JsonNode?> data) =>
        new(data.Select(p => new KeyValuePair<string, SecretValue>(p.Key, SecretValue.FromJson(p.Value))));

    private static Dictionary<string, JsonNode?> ToJson(SecretMap map) =>
        map.Entries.ToDictionary(e => e.Key, e => e.Value.Reveal(), StringComparer.Ordinal);
}
