using System.Collections.Concurrent;

namespace Secrets.Shared.Kernel;

/// <summary>
/// A memo of a pure function for the hot request path (a parsed URI, a resource_ref, a grant key): at
/// most <see cref="Capacity"/> entries, all dropped at once when it is full, so callers who send endless
/// distinct inputs cost memory they cannot grow, only the work the memo would have saved. Never holds
/// secret values.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> entries = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count => entries.Count;

    public bool TryGetValue(TKey key, out TValue value) => entries.TryGetValue(key, out value!);

    public void Add(TKey key, TValue value)
    {
        if (entries.Count >= Capacity)
            entries.Clear();
        entries.TryAdd(key, value);
    }

    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> create)
    {
        if (entries.TryGetValue(key, out var known))
            return known;
        var value = create(key, state);
        Add(key, value);
        return value;
    }
}
