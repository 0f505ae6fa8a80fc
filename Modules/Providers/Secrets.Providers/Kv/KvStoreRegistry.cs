using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>
/// Stores by scheme, each measured by <see cref="InstrumentedKvStore"/>. The only place that answers 501
/// OPERATION_NOT_SUPPORTED.
/// </summary>
internal sealed class KvStoreRegistry
{
    private readonly Dictionary<string, IKvStore> stores;

    public KvStoreRegistry(IEnumerable<IKvStore> stores) =>
        this.stores = stores.ToDictionary(s => s.Scheme, s => (IKvStore)new InstrumentedKvStore(s), StringComparer.Ordinal);

    public IEnumerable<IKvStore> All => stores.Values;

    public IKvStore Require(CanonicalSecretUri uri, KvCapabilities needed)
    {
        if (!stores.TryGetValue(uri.Scheme, out var store) || (store.Capabilities & needed) != needed)
            throw new SecretsProblem(ErrorCode.OperationNotSupported);
        return store;
    }
}
