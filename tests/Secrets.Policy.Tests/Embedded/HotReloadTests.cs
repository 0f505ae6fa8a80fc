using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Secrets.Policy.Contracts;
using Secrets.Policy.Embedded;
using Secrets.Testing.Logging;
using static Secrets.Policy.Tests.Embedded.PolicyTestKit;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>
/// Hot reload: a valid change on disk swaps the rules; an invalid one keeps the last good rules,
/// reports the named error (log, <see cref="PolicyFile.LastError"/>, a degraded <c>pdp</c> check),
/// and fixing the file swaps again. Waits are bounded polls of the outcome, never fixed sleeps.
/// </summary>
public sealed class HotReloadTests : IDisposable
{
    private readonly TempPolicyDirectory dir = new();
    private readonly CapturingLoggerProvider log = new();
    private PolicyFile? file;

    public void Dispose()
    {
        file?.Dispose();
        dir.Dispose();
    }

    private static string Permit(string id, string path, string purpose = "read") => $"""
        version: 1
        rules:
          - id: {id}
            resources: ["yaml://secret/{path}/*"]
            purposes: [{purpose}]
        """;

    private const string Broken = """
        version: 1
        rules:
          - id: broken
            resources: ["yaml://secret/x/*"]
            purposes: [reed]
        """;

    private PolicyFile Open(TimeSpan? poll = null, bool watch = true)
    {
        file = PolicyFile.Open(dir.FilePath, log.Logger<PolicyFile>(), TimeProvider.System, poll, watch);
        file.Start();
        return file;
    }

    private string Verdict(string path) => Render(new EmbeddedPdp(file!).Evaluate([Request("read", $"yaml://secret/{path}/k")], EvaluationSemantic.ExecuteAll)[0]);

    private async Task<HealthStatus> Health() =>
        (await new PdpHealthCheck(file!).CheckHealthAsync(new HealthCheckContext())).Status;

    private async Task Rewrite_swaps_broken_keeps_fixed_swaps(Action<string> write)
    {
        Verdict("one").ShouldBe("permit first");

        write(Permit("second", "two") + "\n# a longer file: the size changes too\n");
        (await Eventually(() => Verdict("two") == "permit second")).ShouldBeTrue("the rewritten file was not picked up");
        Verdict("one").ShouldBe("deny -");
        file!.LastError.ShouldBeNull();
        (await Health()).ShouldBe(HealthStatus.Healthy);

        write(Broken);
        (await Eventually(() => file.LastError is not null)).ShouldBeTrue("the broken file was not noticed");
        file.LastError.ShouldBe($"{dir.FilePath}: rule 'broken' (#1, line 5): purposes: unknown purpose 'reed' (expected one of "
            + "read, execute, write, delete, undelete, destroy_versions, rotate, read_metadata, owner_update, backup, restore, or \"*\")");
        Verdict("two").ShouldBe("permit second");
        file.Current.Rules.Select(r => r.Id).ShouldBe(["second"]);
        (await Health()).ShouldBe(HealthStatus.Degraded);
        log.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains("the previous 1 rules stay in force")
            && e.Message.Contains(file.LastError!));

        write(Permit("third", "three"));
        (await Eventually(() => Verdict("three") == "permit third")).ShouldBeTrue("the fixed file was not picked up");
        file.LastError.ShouldBeNull();
        Verdict("two").ShouldBe("deny -");
        (await Health()).ShouldBe(HealthStatus.Healthy);
        log.Entries.ShouldContain(e => e.Level == LogLevel.Information && e.Message.Contains("reloaded") && e.Message.Contains("1 rules in force"));
    }

    [Fact]
    public async Task In_place_writes_are_picked_up()
    {
        dir.WriteInPlace(Permit("first", "one"));
        Open();

        await Rewrite_swaps_broken_keeps_fixed_swaps(dir.WriteInPlace);
    }

    [Fact]
    public async Task Writes_renamed_into_place_are_picked_up()
    {
        dir.WriteInPlace(Permit("first", "one"));
        Open();

        await Rewrite_swaps_broken_keeps_fixed_swaps(dir.WriteAndRename);
    }

    [Fact]
    public async Task The_directory_watcher_alone_catches_a_rename_into_place()
    {
        dir.WriteInPlace(Permit("first", "one"));
        // inotify instances are limited per user and shared with every process on the machine: wait for one, bounded
        (await Eventually(() =>
        {
            file?.Dispose();
            return Open(poll: Timeout.InfiniteTimeSpan).IsWatching;
        })).ShouldBeTrue("no directory watcher could be started");

        await Rewrite_swaps_broken_keeps_fixed_swaps(dir.WriteAndRename);
    }

    [Fact]
    public async Task The_poll_alone_catches_in_place_writes()
    {
        dir.WriteInPlace(Permit("first", "one"));
        Open(poll: TimeSpan.FromMilliseconds(100), watch: false);
        file!.IsWatching.ShouldBeFalse();

        await Rewrite_swaps_broken_keeps_fixed_swaps(dir.WriteInPlace);
    }

    [Fact]
    public async Task Reload_now_reports_and_keeps_the_last_good_rules()
    {
        dir.WriteInPlace(Permit("first", "one"));
        file = PolicyFile.Open(dir.FilePath, log.Logger<PolicyFile>(), TimeProvider.System, watch: false);

        dir.WriteInPlace(Broken);
        file.ReloadNow().ShouldBeFalse();

        file.LastError.ShouldNotBeNull().ShouldContain("rule 'broken' (#1, line 5): purposes: unknown purpose 'reed'");
        Verdict("one").ShouldBe("permit first");
        (await Health()).ShouldBe(HealthStatus.Degraded);

        dir.WriteInPlace(Permit("second", "two"));
        file.ReloadNow().ShouldBeTrue();

        file.LastError.ShouldBeNull();
        Verdict("two").ShouldBe("permit second");
        (await Health()).ShouldBe(HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_deleted_file_keeps_the_rules_until_it_is_back()
    {
        dir.WriteInPlace(Permit("first", "one"));
        Open(poll: TimeSpan.FromMilliseconds(100));

        File.Delete(dir.FilePath);
        (await Eventually(() => file!.LastError is not null)).ShouldBeTrue("the missing file was not noticed");
        file!.LastError.ShouldBe($"{dir.FilePath}: the policy file does not exist (POLICY_PATH)");
        Verdict("one").ShouldBe("permit first");

        dir.WriteAndRename(Permit("second", "two"));
        (await Eventually(() => Verdict("two") == "permit second")).ShouldBeTrue("the restored file was not picked up");
        file.LastError.ShouldBeNull();
    }

    [Fact]
    public void A_broken_file_is_reported_once_until_it_changes_again()
    {
        var time = new FakeTimeProvider();
        dir.WriteInPlace(Permit("first", "one"));
        file = PolicyFile.Open(dir.FilePath, log.Logger<PolicyFile>(), time, TimeSpan.FromSeconds(2), watch: false);
        file.Start();

        dir.WriteInPlace(Broken);
        for (var poll = 0; poll < 10; poll++)
            time.Advance(TimeSpan.FromSeconds(2));

        file.LastError.ShouldNotBeNull();
        log.Entries.Count(e => e.Level == LogLevel.Warning).ShouldBe(1);

        dir.WriteInPlace(Broken.Replace("reed", "wrte", StringComparison.Ordinal) + "\n# changed\n");
        time.Advance(TimeSpan.FromSeconds(2));

        log.Entries.Count(e => e.Level == LogLevel.Warning).ShouldBe(2);
        file.LastError.ShouldNotBeNull().ShouldContain("unknown purpose 'wrte'");
    }

    [Fact]
    public void A_touched_file_with_the_same_text_is_not_reloaded_again()
    {
        var time = new FakeTimeProvider();
        dir.WriteInPlace(Permit("first", "one"));
        file = PolicyFile.Open(dir.FilePath, log.Logger<PolicyFile>(), time, TimeSpan.FromSeconds(2), watch: false);
        var before = file.Current;
        file.Start();

        File.SetLastWriteTimeUtc(dir.FilePath, DateTime.UtcNow.AddMinutes(1));
        time.Advance(TimeSpan.FromSeconds(2));
        file.ReloadNow().ShouldBeTrue();

        file.Current.ShouldBeSameAs(before);
        log.Entries.ShouldNotContain(e => e.Message.Contains("reloaded"));
    }

    [Fact]
    public async Task A_batch_is_answered_from_one_policy_set_while_reloads_happen()
    {
        dir.WriteInPlace(Permit("first", "one"));
        file = PolicyFile.Open(dir.FilePath, log.Logger<PolicyFile>(), TimeProvider.System, watch: false);
        var pdp = new EmbeddedPdp(file);
        var requests = Enumerable.Range(0, 200).Select(i => Request("read", $"yaml://secret/{(i % 2 == 0 ? "one" : "two")}/k")).ToArray();
        using var stop = new CancellationTokenSource();
        var reloads = Task.Run(() =>
        {
            var flip = false;
            while (!stop.IsCancellationRequested)
            {
                dir.WriteAndRename(flip ? Permit("first", "one") : Permit("second", "two"));
                file.ReloadNow();
                flip = !flip;
            }
        });

        for (var round = 0; round < 200; round++)
        {
            var verdicts = await pdp.EvaluateAsync(requests, EvaluationSemantic.ExecuteAll, CancellationToken.None);
            var rules = verdicts.Where(v => v.Decision).Select(v => v.Reason).Distinct().ToList();
            rules.Count.ShouldBe(1);   // never a mix of the old and the new rules
        }
        await stop.CancelAsync();
        await reloads;
    }
}
