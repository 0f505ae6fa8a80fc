using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>
/// Every call to a store, measured in one place (docs/AUDIT.md#metrics, #traces): the histogram
/// <c>provider_request_latency_seconds{provider, op}</c>, and a span <c>provider.&lt;op&gt;</c> under the request's
/// (recorded only when a collector listens). A failed call is measured too; its exception passes through unchanged.
/// </summary>
internal sealed class InstrumentedKvStore(IKvStore inner) : IKvStore
{
    private static readonly Histogram<double> Latency = Telemetry.Meter.CreateHistogram<double>(
        "provider_request_latency_seconds", description: "Time of one call to a secret provider, in seconds");

    private static readonly Dictionary<string, string> SpanNames = new[]
    {
        "read", "write", "update", "delete", "undelete", "destroy", "destroy_all", "read_metadata", "update_metadata", "list",
    }.ToDictionary(op => op, op => "provider." + op, StringComparer.Ordinal);

    private readonly KeyValuePair<string, object?> provider = new("provider", inner.Scheme.Split('+')[0]);

    public string Scheme => inner.Scheme;

    public KvCapabilities Capabilities => inner.Capabilities;

    public Task<KvEntry?> ReadAsync(KvPath path, int? version, CancellationToken ct) =>
        MeasureAsync("read", (inner, path, version, ct), static s => s.inner.ReadAsync(s.path, s.version, s.ct));   // the hot path: no closure

    public Task<int?> WriteAsync(KvPath path, SecretMap data, int? cas, CancellationToken ct) =>
        MeasureAsync("write", () => inner.WriteAsync(path, data, cas, ct));

    public Task<int?> UpdateAsync(KvPath path, Func<SecretMap?, SecretMap> change, CancellationToken ct) =>
        MeasureAsync("update", () => inner.UpdateAsync(path, change, ct));

    public Task<bool> DeleteAsync(KvPath path, IReadOnlyList<int>? versions, CancellationToken ct) =>
        MeasureAsync("delete", () => inner.DeleteAsync(path, versions, ct));

    public Task UndeleteAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct) =>
        MeasureAsync("undelete", async () => { await inner.UndeleteAsync(path, versions, ct); return true; });

    public Task DestroyAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct) =>
        MeasureAsync("destroy", async () => { await inner.DestroyAsync(path, versions, ct); return true; });

    public Task<bool> DestroyAllAsync(KvPath path, CancellationToken ct) =>
        MeasureAsync("destroy_all", () => inner.DestroyAllAsync(path, ct));

    public Task<KvMetadata?> ReadMetadataAsync(KvPath path, CancellationToken ct) =>
        MeasureAsync("read_metadata", () => inner.ReadMetadataAsync(path, ct));

    public Task UpdateCustomMetadataAsync(KvPath path, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>?> change, CancellationToken ct) =>
        MeasureAsync("update_metadata", async () => { await inner.UpdateCustomMetadataAsync(path, change, ct); return true; });

    public Task WriteCustomMetadataAsync(KvPath path, IReadOnlyDictionary<string, string> custom, CancellationToken ct) =>
        MeasureAsync("update_metadata", async () => { await inner.WriteCustomMetadataAsync(path, custom, ct); return true; });

    public async IAsyncEnumerable<string> ListAsync(KvPath prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        using var activity = Telemetry.Source.StartActivity(SpanNames["list"]);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await foreach (var name in inner.ListAsync(prefix, ct))
                yield return name;
        }
        finally
        {
            Record("list", started, activity);
        }
    }

    public Task CheckReadyAsync(CancellationToken ct) => inner.CheckReadyAsync(ct);

    private Task<T> MeasureAsync<T>(string op, Func<Task<T>> call) => MeasureAsync(op, call, static c => c());

    private async Task<T> MeasureAsync<TState, T>(string op, TState state, Func<TState, Task<T>> call)
    {
        using var activity = Telemetry.Source.StartActivity(SpanNames[op]);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call(state);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);   // never the message: a provider's text may echo input
            throw;
        }
        finally
        {
            Record(op, started, activity);
        }
    }

    private void Record(string op, long started, Activity? activity)
    {
        Latency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, provider, new KeyValuePair<string, object?>("op", op));
        activity?.SetTag("provider", provider.Value);
    }
}
