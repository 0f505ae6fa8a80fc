using Microsoft.Extensions.Time.Testing;

namespace Secrets.Grants.Tests.State;

/// <summary>
/// What the store contract suites share: a fake clock the stores read through their TimeProvider,
/// and the nodes a test creates (all over the same backing store), disposed at the end.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    private readonly List<object> created = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>Keeps <paramref name="store"/> for disposal at the end of the test.</summary>
    private protected T Track<T>(T store)
        where T : class
    {
        lock (created)
            created.Add(store);
        return store;
    }

    /// <summary>Runs <paramref name="count"/> calls at once on the thread pool, all let go together.</summary>
    private protected static async Task<T[]> Race<T>(int count, Func<int, ValueTask<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in created)
        {
            if (store is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
        }
    }
}
