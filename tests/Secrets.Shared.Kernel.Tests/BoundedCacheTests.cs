namespace Secrets.Shared.Kernel.Tests;

public sealed class BoundedCacheTests
{
    [Fact]
    public void A_known_key_is_answered_without_calling_the_function_again()
    {
        var cache = new BoundedCache<string, string>(8);
        var calls = 0;

        var first = cache.GetOrAdd("k", 0, (key, _) => { calls++; return key + "!"; });
        var second = cache.GetOrAdd("k", 0, (key, _) => { calls++; return "other"; });

        (first, second, calls).ShouldBe(("k!", "k!", 1));
    }

    [Fact]
    public void A_full_cache_drops_everything_and_never_holds_more_than_its_capacity()
    {
        var cache = new BoundedCache<int, int>(4);
        for (var i = 0; i < 1000; i++)
        {
            cache.Add(i, i * 2);
            cache.Count.ShouldBeLessThanOrEqualTo(4);
        }

        cache.TryGetValue(999, out var newest).ShouldBeTrue();
        newest.ShouldBe(1998);
        cache.TryGetValue(0, out _).ShouldBeFalse();
    }

    [Fact]
    public void Capacity_must_be_positive() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new BoundedCache<int, int>(0));
}
