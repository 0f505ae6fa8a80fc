using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Secrets.Client;

/// <summary>
/// An in-memory cache of secret values in front of <see cref="SecretsClient.ReadAsync"/>, like the AWS Secrets Manager
/// caching client (docs/CLIENT.md#value-cache). An entry lives <see cref="SecretsValueCacheOptions.Ttl"/>, and never
/// longer than the grant that permitted its read (<c>Secrets-Grant-Expires-In</c>). Within
/// <see cref="SecretsValueCacheOptions.RefreshAhead"/> of its expiry a read still answers from the entry and refreshes it
/// in the background, once; an expired entry is read again while the caller waits (one read per URI, however many
/// callers). A failed background refresh keeps the entry until it expires. Values stay in this process's memory only.
/// </summary>
public sealed class SecretsValueCache(SecretsClient client, SecretsValueCacheOptions? options = null, TimeProvider? time = null)
{
    private readonly SecretsValueCacheOptions options = options ?? new SecretsValueCacheOptions();
    private readonly TimeProvider time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry>>> reading = new(StringComparer.Ordinal);

    /// <summary>The value at <paramref name="uri"/> (the map, or the key's value), from the cache while it is fresh; a copy, which the caller may change.</summary>
    public async ValueTask<JsonNode?> GetAsync(string uri, CancellationToken ct = default) => (await CachedAsync(uri, ct))?.DeepClone();

    /// <summary>As <see cref="GetAsync"/>, for a value that is a string.</summary>
    public async ValueTask<string> GetStringAsync(string uri, CancellationToken ct = default) =>
        await CachedAsync(uri, ct) is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new SecretsApiException(System.Net.HttpStatusCode.OK, "NOT_A_STRING", null, "the value is not a string", null);

    private async ValueTask<JsonNode?> CachedAsync(string uri, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var now = time.GetUtcNow();
        if (entries.TryGetValue(uri, out var entry) && now < entry.ExpiresAt)
        {
            if (now >= entry.RefreshAt)
                _ = RefreshInBackgroundAsync(uri);
            return entry.Value;
        }
        return (await ReadOnceAsync(uri, ct)).Value;
    }

    /// <summary>Forgets one URI (after the application rotated it, say), or everything.</summary>
    public void Invalidate(string? uri = null)
    {
        if (uri is null)
            entries.Clear();
        else
            entries.TryRemove(uri, out _);
    }

    private async Task RefreshInBackgroundAsync(string uri)
    {
        try
        {
            await ReadOnceAsync(uri, CancellationToken.None);
        }
        catch (Exception ex) when (ex is SecretsApiException or HttpRequestException or TaskCanceledException)
        {
            // keep the entry until it expires; the next read after that waits for a fresh one
        }
    }

    /// <summary>One read per URI at a time; every caller waiting for it gets its result.</summary>
    private async Task<Entry> ReadOnceAsync(string uri, CancellationToken ct)
    {
        var read = reading.GetOrAdd(uri, u => new Lazy<Task<Entry>>(() => FetchAsync(u)));
        try
        {
            return await read.Value.WaitAsync(ct);
        }
        finally
        {
            if (read.Value.IsCompleted)
                reading.TryRemove(new KeyValuePair<string, Lazy<Task<Entry>>>(uri, read));
        }
    }

    private async Task<Entry> FetchAsync(string uri)
    {
        var result = await client.ReadAsync(uri, null, CancellationToken.None);
        var ttl = result.GrantExpiresIn is { } grant && grant < options.Ttl ? grant : options.Ttl;
        var now = time.GetUtcNow();
        var entry = new Entry(result.Value, now + ttl, now + ttl - (options.RefreshAhead < ttl ? options.RefreshAhead : ttl / 2));
        if (ttl > TimeSpan.Zero)
            entries[uri] = entry;
        return entry;
    }

    private sealed record Entry(JsonNode? Value, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt);
}

/// <summary>How long <see cref="SecretsValueCache"/> keeps a value.</summary>
public sealed class SecretsValueCacheOptions
{
    /// <summary>The longest an entry lives; the grant behind the read may make it shorter. Default 5 minutes.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long before its expiry an entry is refreshed in the background. Default 30 seconds.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromSeconds(30);
}
