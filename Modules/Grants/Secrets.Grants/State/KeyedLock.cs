using System.Collections.Concurrent;

namespace Secrets.Grants.State;

/// <summary>
/// One async lock per key, in this process: concurrent misses of the same grant wait for the one
/// decision in flight instead of all asking the PDP. Entries live only while someone holds or waits.
/// </summary>
internal sealed class KeyedLock
{
    private readonly ConcurrentDictionary<GrantKey, Gate> gates = new();

    /// <summary>
    /// Enters the key's lock, or after <paramref name="timeout"/> returns a no-op holder
    /// (<see cref="Holder.Entered"/> tells which).
    /// </summary>
    public async ValueTask<Holder> EnterAsync(GrantKey key, TimeSpan timeout, CancellationToken ct)
    {
        Gate gate;
        while (true)
        {
            gate = gates.GetOrAdd(key, static _ => new Gate());
            lock (gate)
            {
                if (!gate.Retired)
                {
                    gate.Holders++;
                    break;
                }
            }
        }
        bool entered;
        try
        {
            entered = await gate.Semaphore.WaitAsync(timeout, ct);
        }
        catch
        {
            Leave(key, gate, release: false);
            throw;
        }
        return new Holder(this, key, gate, entered);
    }

    private void Leave(GrantKey key, Gate gate, bool release)
    {
        if (release)
            gate.Semaphore.Release();
        lock (gate)
        {
            if (--gate.Holders > 0)
                return;
            gate.Retired = true;
            gates.TryRemove(new KeyValuePair<GrantKey, Gate>(key, gate));
            gate.Dispose();
        }
    }

    internal sealed class Gate : IDisposable
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public int Holders;
        public bool Retired;

        public void Dispose() => Semaphore.Dispose();
    }

    /// <summary>Holds the key's lock until disposed, when <see cref="Entered"/>; otherwise holds nothing.</summary>
    internal sealed class Holder(KeyedLock owner, GrantKey key, Gate gate, bool entered) : IAsyncDisposable
    {
        private int disposed;

        public bool Entered => entered;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
                owner.Leave(key, gate, entered);
            return ValueTask.CompletedTask;
        }
    }
}
