using Secrets.Grants.Contracts;

namespace Secrets.Grants.Tests.State;

/// <summary>
/// What every <see cref="ISharedRecords"/> does, in memory on one node or in Redis across many: add only over nothing
/// live, read the live value, compare-and-swap on the whole value, set over anything, and a record's logical expiry
/// decided by the injected clock. Each implementation's class provides only <see cref="Create"/>.
/// </summary>
public abstract class SharedRecordsContract : StoreContract
{
    /// <summary>A fresh store over the same backing store as any other this test creates (another node, for Redis).</summary>
    private protected abstract ISharedRecords Create(TimeProvider time);

    private protected ISharedRecords NewRecords() => Create(Time);

    private protected static string NewKey() => "test:" + Guid.NewGuid().ToString("N");

    private DateTimeOffset In(int seconds) => Time.GetUtcNow().AddSeconds(seconds);

    [Fact]
    public async Task Unknown_key_reads_as_absent_and_cannot_be_replaced()
    {
        var records = NewRecords();
        var key = NewKey();

        (await records.GetAsync(key, Ct)).ShouldBeNull();
        (await records.TryReplaceAsync(key, "", "v", In(60), Ct)).ShouldBeFalse();
        (await records.GetAsync(key, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Add_stores_once_while_the_record_lives()
    {
        var records = NewRecords();
        var key = NewKey();

        (await records.TryAddAsync(key, "first", In(60), Ct)).ShouldBeTrue();
        (await records.TryAddAsync(key, "second", In(60), Ct)).ShouldBeFalse();

        (await records.GetAsync(key, Ct)).ShouldBe("first");
    }

    [Fact]
    public async Task Record_reads_as_absent_from_its_expiry_on_and_can_then_be_added_again()
    {
        var records = NewRecords();
        var key = NewKey();
        await records.TryAddAsync(key, "old", In(60), Ct);

        Time.Advance(TimeSpan.FromSeconds(59));
        (await records.GetAsync(key, Ct)).ShouldBe("old");
        Time.Advance(TimeSpan.FromSeconds(1));
        (await records.GetAsync(key, Ct)).ShouldBeNull();
        (await records.TryReplaceAsync(key, "old", "late", In(60), Ct)).ShouldBeFalse();

        (await records.TryAddAsync(key, "new", In(60), Ct)).ShouldBeTrue();
        (await records.GetAsync(key, Ct)).ShouldBe("new");
    }

    [Fact]
    public async Task Replace_swaps_only_the_expected_value_and_sets_the_new_expiry()
    {
        var records = NewRecords();
        var key = NewKey();
        await records.TryAddAsync(key, "pending", In(60), Ct);

        (await records.TryReplaceAsync(key, "other", "approved", In(600), Ct)).ShouldBeFalse();
        (await records.GetAsync(key, Ct)).ShouldBe("pending");
        (await records.TryReplaceAsync(key, "pending", "approved", In(600), Ct)).ShouldBeTrue();
        (await records.TryReplaceAsync(key, "pending", "approved-again", In(600), Ct)).ShouldBeFalse();

        Time.Advance(TimeSpan.FromSeconds(120));   // past the first expiry, before the new one
        (await records.GetAsync(key, Ct)).ShouldBe("approved");
    }

    [Fact]
    public async Task Set_stores_over_a_live_record_and_over_nothing()
    {
        var records = NewRecords();
        var (live, absent) = (NewKey(), NewKey());
        await records.TryAddAsync(live, "a", In(60), Ct);

        await records.SetAsync(live, "b", In(60), Ct);
        await records.SetAsync(absent, "c", In(60), Ct);

        (await records.GetAsync(live, Ct)).ShouldBe("b");
        (await records.GetAsync(absent, Ct)).ShouldBe("c");
    }

    [Fact]
    public async Task Racing_compare_and_swaps_on_one_value_let_exactly_one_win()
    {
        var nodes = new[] { NewRecords(), NewRecords() };
        var key = NewKey();
        await nodes[0].TryAddAsync(key, "pending", In(60), Ct);

        var won = await Race(50, async i => await nodes[i % 2].TryReplaceAsync(key, "pending", "claimed-by-" + i, In(60), Ct));

        won.Count(w => w).ShouldBe(1);
        (await nodes[1].GetAsync(key, Ct)).ShouldBe("claimed-by-" + Array.IndexOf(won, true));
    }

    [Fact]
    public async Task Racing_adds_let_exactly_one_store()
    {
        var nodes = new[] { NewRecords(), NewRecords() };
        var key = NewKey();

        var added = await Race(50, async i => await nodes[i % 2].TryAddAsync(key, "lease-" + i, In(60), Ct));

        added.Count(a => a).ShouldBe(1);
        (await nodes[0].GetAsync(key, Ct)).ShouldBe("lease-" + Array.IndexOf(added, true));
    }

    [Fact]
    public async Task Values_are_kept_exactly_as_given()
    {
        var records = NewRecords();
        var key = NewKey();
        const string json = """{"id":"a-b_c","versions":[1,2],"note":"ünïcødé \" \\ {}"}""";

        await records.TryAddAsync(key, json, In(60), Ct);

        (await records.GetAsync(key, Ct)).ShouldBe(json);
        (await records.TryReplaceAsync(key, json, json + " ", In(60), Ct)).ShouldBeTrue();
    }
}
