using Microsoft.Extensions.Time.Testing;

namespace Secrets.Shared.Kernel.Tests;

/// <summary>The throttle lets the first occurrence of each interval through and reports how many it held back.</summary>
public sealed class ThrottleTests
{
    [Fact]
    public void One_passes_per_interval_and_the_next_one_reports_the_count_held_back()
    {
        var time = new FakeTimeProvider();
        var throttle = new Throttle(TimeSpan.FromSeconds(1), time);

        throttle.TryPass(out var first).ShouldBeTrue();
        var held = Enumerable.Range(0, 9).Count(i => !throttle.TryPass(out _));
        time.Advance(TimeSpan.FromMilliseconds(999));
        throttle.TryPass(out _).ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        throttle.TryPass(out var next).ShouldBeTrue();

        (first, held, next).ShouldBe((0L, 9, 10L));
    }

    [Fact]
    public async Task Under_contention_exactly_one_of_many_passes_in_one_interval()
    {
        var throttle = new Throttle(TimeSpan.FromHours(1), new FakeTimeProvider());

        var passed = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => throttle.TryPass(out _))));

        passed.Count(p => p).ShouldBe(1);
    }
}
