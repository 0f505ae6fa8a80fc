using System.Collections.Concurrent;

namespace Secrets.Grants.State;

/// <summary>
/// Grant state on one node (no <c>REDIS_URL</c>). Each key's slot is changed under its own lock, so a
/// use is taken exactly once; expired slots are dropped when touched and swept every few thousand writes.
/// </summary>
internal sealed class InMemoryGrantState(TimeProvider time) : IGrantState
{
    private const int SweepEvery = 4096;
    private readonly ConcurrentDictionary<GrantKey, Slot> slots = new();
    private readonly KeyedLock locks = new();
    private int writes;

    public ValueTask<GrantUse> TryUseAsync(GrantKey key, string? binding, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (!slots.TryGetValue(key, out var slot))
                return ValueTask.FromResult(GrantUse.Miss);
            lock (slot)
            {
                if (slot.Retired)
                    continue;   // retired since we looked it up: a writer may have put a fresh slot in its place
                if (slot.Grant is { } grant && grant.ExpiresAt > now && slot.UsesLeft > 0)
                {
                    if (!string.Equals(grant.Binding, binding, StringComparison.Ordinal))
                        return ValueTask.FromResult(new GrantUse(GrantLookup.BindingDrift, grant, slot.UsesLeft, grant.DecisionId));
                    slot.UsesLeft--;
                    return ValueTask.FromResult(new GrantUse(GrantLookup.Used, grant, slot.UsesLeft, grant.DecisionId));
                }
                slot.Grant = null;
                if (slot.DeniedUntil > now)
                    return ValueTask.FromResult(new GrantUse(GrantLookup.Denied, null, 0, slot.DenyDecisionId));
                Retire(key, slot);
                return ValueTask.FromResult(GrantUse.Miss);
            }
        }
    }

    public ValueTask<int> GrantAndUseAsync(GrantKey key, Grant grant, CancellationToken ct) =>
        ValueTask.FromResult(Update(key, slot =>
        {
            slot.Grant = grant;
            slot.UsesLeft = grant.MaxUses - 1;
            slot.DeniedUntil = DateTimeOffset.MinValue;
            return slot.UsesLeft;
        }));

    public ValueTask DenyAsync(GrantKey key, string decisionId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        Update(key, slot =>
        {
            slot.Grant = null;
            slot.DeniedUntil = expiresAt;
            slot.DenyDecisionId = decisionId;
            return 0;
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IAsyncDisposable> LockAsync(GrantKey key, TimeSpan timeout, CancellationToken ct) =>
        await locks.EnterAsync(key, timeout, ct);

    /// <summary>Live entries, for tests and the sweep.</summary>
    public int Count => slots.Count;

    private int Update(GrantKey key, Func<Slot, int> change)
    {
        if (Interlocked.Increment(ref writes) % SweepEvery == 0)
            Sweep();
        while (true)
        {
            var slot = slots.GetOrAdd(key, static _ => new Slot());
            lock (slot)
            {
                if (!slot.Retired)
                    return change(slot);
            }
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (key, slot) in slots)
        {
            lock (slot)
            {
                if ((slot.Grant is null || slot.Grant.ExpiresAt <= now || slot.UsesLeft <= 0) && slot.DeniedUntil <= now)
                    Retire(key, slot);
            }
        }
    }

    /// <summary>Called under the slot's lock: writers that still hold it see Retired and take a fresh slot.</summary>
    private void Retire(GrantKey key, Slot slot)
    {
        slot.Retired = true;
        slots.TryRemove(new KeyValuePair<GrantKey, Slot>(key, slot));
    }

    private sealed class Slot
    {
        public Grant? Grant;
        public int UsesLeft;
        public DateTimeOffset DeniedUntil = DateTimeOffset.MinValue;
        public string? DenyDecisionId;
        public bool Retired;
    }
}
