using System.Text.Json.Nodes;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Tests.Kv;

/// <summary>
/// The behaviours every <see cref="IKvStore"/> has (docs/PROVIDERS.md): one suite, one subclass per
/// store, each providing only <see cref="CreateStoreAsync"/>. Every test works below its own
/// <c>contract/&lt;guid&gt;/…</c> prefix, so stores may be shared between tests (and real servers
/// are never cleaned up by accident). Tests use <see cref="ContractFactAttribute"/> so that a
/// subclass marked <see cref="RequiresEnvironmentAttribute"/> reports them skipped, with a
/// message, when its server is not configured.
/// </summary>
public abstract class KvStoreContract
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>
    /// A store to test. <c>private protected</c> rather than <c>protected</c>: <see cref="IKvStore"/>
    /// is internal to the module, and a public test class may only expose it to derived classes
    /// inside this assembly. Calling it twice in one test must give stores over the same data.
    /// </summary>
    private protected abstract Task<IKvStore> CreateStoreAsync();

    /// <summary>The mount the suite writes below (a KVv2 mount, or the YAML file's top-level key).</summary>
    protected virtual string Mount => "secret";

    private protected KvPath Unique(string name = "") =>
        new(Mount, $"contract/{Guid.NewGuid():N}" + (name.Length == 0 ? "" : "/" + name));

    private protected static SecretMap Map(params (string Key, string Value)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, SecretValue>(e.Key, SecretValue.Of(e.Value))));

    private protected static async Task<List<string>> ListAsync(IKvStore store, KvPath prefix)
    {
        var names = new List<string>();
        await foreach (var name in store.ListAsync(prefix, Ct))
            names.Add(name);
        return names;
    }

    /// <summary>A readable view of a map for assertions (SecretMap.ToString is redacted on purpose).</summary>
    private protected static Dictionary<string, string> Plain(SecretMap map) =>
        map.Entries.ToDictionary(e => e.Key, e => e.Value.Reveal()?.ToJsonString() ?? "null", StringComparer.Ordinal);

    [ContractFact]
    public async Task Write_then_read_returns_the_whole_map()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/db");

        await store.WriteAsync(path, Map(("user", "app"), ("password", "pw-1")), null, Ct);

        var entry = await store.ReadAsync(path, null, Ct);
        entry.ShouldNotBeNull();
        Plain(entry.Data).ShouldBe(new Dictionary<string, string> { ["user"] = "\"app\"", ["password"] = "\"pw-1\"" }, ignoreOrder: true);
        entry.Data.Entries["password"].ShouldBe(SecretValue.Of("pw-1"));
        (await (await CreateStoreAsync()).ReadAsync(path, null, Ct))!.Data.ShouldBe(entry.Data);   // a second store sees it too
    }

    [ContractFact]
    public async Task Write_replaces_the_map_and_drops_keys_it_does_not_name()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/db");
        await store.WriteAsync(path, Map(("a", "1"), ("b", "2")), null, Ct);

        await store.WriteAsync(path, Map(("c", "3")), null, Ct);

        (await store.ReadAsync(path, null, Ct))!.Data.Keys.ShouldBe(["c"]);
    }

    [ContractFact]
    public async Task Fragment_update_upserts_one_key_and_keeps_the_others()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/db");
        await store.WriteAsync(path, Map(("user", "app"), ("password", "old")), null, Ct);

        await store.UpdateAsync(path, m => (m ?? SecretMap.Empty).With("password", SecretValue.Of("new")), Ct);
        await store.UpdateAsync(path, m => (m ?? SecretMap.Empty).With("host", SecretValue.Of("db.local")), Ct);

        var data = (await store.ReadAsync(path, null, Ct))!.Data;
        Plain(data).ShouldBe(new Dictionary<string, string>
        {
            ["user"] = "\"app\"",
            ["password"] = "\"new\"",
            ["host"] = "\"db.local\"",
        }, ignoreOrder: true);
    }

    [ContractFact]
    public async Task Fragment_update_of_a_missing_path_sees_null_and_creates_it()
    {
        var store = await CreateStoreAsync();
        var path = Unique("fresh");
        SecretMap? seen = SecretMap.Of("sentinel", "x");

        await store.UpdateAsync(path, m =>
        {
            seen = m;
            return (m ?? SecretMap.Empty).With("k", SecretValue.Of("v"));
        }, Ct);

        seen.ShouldBeNull();
        (await store.ReadAsync(path, null, Ct))!.Data.ShouldBe(SecretMap.Of("k", "v"));
    }

    [ContractFact]
    public async Task Fragment_update_can_remove_one_key()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/db");
        await store.WriteAsync(path, Map(("a", "1"), ("b", "2")), null, Ct);

        await store.UpdateAsync(path, m => m!.Without("a"), Ct);

        (await store.ReadAsync(path, null, Ct))!.Data.ShouldBe(SecretMap.Of("b", "2"));
    }

    [ContractFact]
    public async Task Fifty_concurrent_fragment_updates_to_one_path_keep_every_key()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/many");
        await store.WriteAsync(path, Map(("seed", "0")), null, Ct);

        var writers = Enumerable.Range(0, 50).Select(i => Task.Run(() =>
            store.UpdateAsync(path, m => (m ?? SecretMap.Empty).With($"k{i:D2}", SecretValue.Of($"v{i}")), Ct)));
        var outcomes = await Task.WhenAll(writers.Select(async w =>
        {
            try
            {
                await w;
                return "ok";
            }
            catch (SecretsProblem problem)
            {
                return problem.Code.ToString();
            }
        }));

        outcomes.Where(o => o != "ok").ShouldBeEmpty("every concurrent fragment write must land (none may give up)");
        var data = (await (await CreateStoreAsync()).ReadAsync(path, null, Ct))!.Data;
        data.Keys.Order(StringComparer.Ordinal).ShouldBe(
            Enumerable.Range(0, 50).Select(i => $"k{i:D2}").Append("seed").Order(StringComparer.Ordinal));
        for (var i = 0; i < 50; i++)
            data.Entries[$"k{i:D2}"].ShouldBe(SecretValue.Of($"v{i}"));
    }

    [ContractFact]
    public async Task Delete_makes_the_path_unreadable_and_a_second_delete_returns_false()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/db");
        await store.WriteAsync(path, Map(("k", "v")), null, Ct);

        (await store.DeleteAsync(path, null, Ct)).ShouldBeTrue();

        (await store.ReadAsync(path, null, Ct)).ShouldBeNull();
        (await store.DeleteAsync(path, null, Ct)).ShouldBeFalse();
    }

    [ContractFact]
    public async Task Delete_of_a_path_never_written_returns_false()
    {
        var store = await CreateStoreAsync();

        (await store.DeleteAsync(Unique("never"), null, Ct)).ShouldBeFalse();
    }

    [ContractFact]
    public async Task Writing_or_deleting_a_path_leaves_its_parent_children_and_siblings_alone()
    {
        var store = await CreateStoreAsync();
        var root = Unique();
        var parent = root.Child("app");
        var child = parent.Child("db");
        var sibling = root.Child("other");
        await store.WriteAsync(parent, Map(("p", "1")), null, Ct);
        await store.WriteAsync(child, Map(("c", "2")), null, Ct);
        await store.WriteAsync(sibling, Map(("s", "3")), null, Ct);

        await store.WriteAsync(parent, Map(("p", "changed")), null, Ct);
        (await store.DeleteAsync(child, null, Ct)).ShouldBeTrue();

        (await store.ReadAsync(parent, null, Ct))!.Data.ShouldBe(SecretMap.Of("p", "changed"));
        (await store.ReadAsync(sibling, null, Ct))!.Data.ShouldBe(SecretMap.Of("s", "3"));
        (await store.ReadAsync(child, null, Ct)).ShouldBeNull();
    }

    [ContractFact]
    public async Task List_answers_one_level_at_a_time_with_names_for_secrets_and_slashes_for_folders()
    {
        var store = await CreateStoreAsync();
        var root = Unique();
        await store.WriteAsync(root.Child("app"), Map(("k", "v")), null, Ct);                 // a secret and a folder
        await store.WriteAsync(root.Child("app/db"), Map(("k", "v")), null, Ct);
        await store.WriteAsync(root.Child("app/cache/redis"), Map(("k", "v")), null, Ct);
        await store.WriteAsync(root.Child("other/deep/leaf"), Map(("k", "v")), null, Ct);    // only a folder

        (await ListAsync(store, root)).Order(StringComparer.Ordinal).ShouldBe(["app", "app/", "other/"]);
        (await ListAsync(store, root.Child("app"))).Order(StringComparer.Ordinal).ShouldBe(["cache/", "db"]);
        (await ListAsync(store, root.Child("app/cache"))).ShouldBe(["redis"]);
        (await ListAsync(store, root.Child("other"))).ShouldBe(["deep/"]);
        (await ListAsync(store, root.Child("missing"))).ShouldBeEmpty();
    }

    [ContractFact]
    public async Task List_no_longer_shows_a_deleted_secret_of_its_own()
    {
        var store = await CreateStoreAsync();
        var root = Unique();
        await store.WriteAsync(root.Child("gone"), Map(("k", "v")), null, Ct);
        await store.WriteAsync(root.Child("kept"), Map(("k", "v")), null, Ct);

        await DeleteCompletelyAsync(store, root.Child("gone"));

        (await ListAsync(store, root)).ShouldBe(["kept"]);
    }

    /// <summary>Removes a path so that LIST no longer names it: a delete, or more where the store keeps history.</summary>
    private protected virtual async Task DeleteCompletelyAsync(IKvStore store, KvPath path) =>
        (await store.DeleteAsync(path, null, Ct)).ShouldBeTrue();

    [ContractFact]
    public async Task An_update_whose_change_throws_writes_nothing_and_the_problem_reaches_the_caller()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/db");
        await store.WriteAsync(path, Map(("a", "1")), null, Ct);

        var failing = () => store.UpdateAsync(path, _ => throw new SecretsProblem(ErrorCode.FragmentNotFound), Ct);

        (await failing.ShouldThrowAsync<SecretsProblem>()).Code.ShouldBe(ErrorCode.FragmentNotFound);
        (await store.ReadAsync(path, null, Ct))!.Data.ShouldBe(SecretMap.Of("a", "1"));
    }

    [ContractFact]
    public async Task Writing_below_a_secret_never_drops_a_key_of_it_even_a_null_valued_one_of_the_same_name()
    {
        var store = await CreateStoreAsync();
        var parent = Unique("app");
        var withNull = SecretMap.FromValue(SecretValue.FromJson(JsonNode.Parse("""{"db":null,"other":"kept"}""")))!;
        await store.WriteAsync(parent, withNull, null, Ct);

        try
        {
            await store.WriteAsync(parent.Child("db"), Map(("password", "pw")), null, Ct);
        }
        catch (SecretsProblem problem) when (problem.Code == ErrorCode.PathConflict)
        {
            // a store that nests secrets inside their parent's map may refuse the child instead
        }

        Plain((await store.ReadAsync(parent, null, Ct))!.Data).ShouldBe(Plain(withNull), ignoreOrder: true);
    }

    [ContractFact]
    public async Task Path_segments_with_spaces_unicode_and_reserved_characters_round_trip_and_list_by_name()
    {
        var store = await CreateStoreAsync();
        var root = Unique();
        string[] names = ["with space", "żółć-✓", "plus+sign", "per%cent", "q?mark", "hash#tag", "colon:semi;", "amp&eq=", "dots.and-dashes_"];

        foreach (var name in names)
            await store.WriteAsync(root.Child(name), Map(("name", name)), null, Ct);

        foreach (var name in names)
            (await store.ReadAsync(root.Child(name), null, Ct)).ShouldNotBeNull(name)!.Data.Entries["name"].ShouldBe(SecretValue.Of(name));
        (await ListAsync(store, root)).Order(StringComparer.Ordinal).ShouldBe(names.Order(StringComparer.Ordinal));
        (await store.DeleteAsync(root.Child("per%cent"), null, Ct)).ShouldBeTrue();
        (await store.ReadAsync(root.Child("per%cent"), null, Ct)).ShouldBeNull();
    }

    [ContractFact]
    public async Task A_missing_path_reads_null()
    {
        var store = await CreateStoreAsync();

        (await store.ReadAsync(Unique("never/written"), null, Ct)).ShouldBeNull();
        (await store.ReadMetadataAsync(Unique("never/written"), Ct)).ShouldBeNull();
    }

    [ContractFact]
    public async Task Values_of_several_JSON_types_round_trip()
    {
        var json = """
            {
              "string": "plain",
              "unicode": "żółć ✓ 🔑",
              "multiline": "line 1\nline 2\ttabbed \"quoted\"",
              "empty": "",
              "numeric_string": "00123",
              "bool_string": "true",
              "null_string": "null",
              "int": 42,
              "negative": -7,
              "long": 1234567890123,
              "float": 1.5,
              "true": true,
              "false": false,
              "null": null,
              "array": ["a", 1, true, null]
            }
            """;
        var map = SecretMap.FromValue(SecretValue.FromJson(JsonNode.Parse(json)))!;
        var store = await CreateStoreAsync();
        var path = Unique("types");

        await store.WriteAsync(path, map, null, Ct);

        var again = (await (await CreateStoreAsync()).ReadAsync(path, null, Ct))!.Data;
        Plain(again).ShouldBe(Plain(map), ignoreOrder: true);
        again.ShouldBe(map);
    }
}
