using Secrets.Rotation.Features.ScheduledRotation;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>The schedule file is validated whole at start; each problem is named by file, schedule and field.</summary>
public sealed class ScheduleFileTests
{
    private const string Source = "schedules.json";

    private static string File(string schedule, string second = "") =>
        $$"""{ "schedules": [ { "name": "db-password", "uri": "openbao+kv2://secret/app/db#password", "cron": "0 3 * * *" }, {{schedule}}{{second}} ] }""";

    [Theory]
    [InlineData("""{ "name": "bad-cron", "uri": "openbao+kv2://secret/a#k", "cron": "61 * * * *" }""", "schedule 'bad-cron' (#2): cron: '61 * * * *' is not a valid cron expression")]
    [InlineData("""{ "name": "few-fields", "uri": "openbao+kv2://secret/a#k", "cron": "* * *" }""", "schedule 'few-fields' (#2): cron: '* * *' has 3 fields")]
    [InlineData("""{ "name": "bad-alphabet", "uri": "openbao+kv2://secret/a#k", "cron": "@daily", "generate": { "alphabet": "emoji" } }""", "schedule 'bad-alphabet' (#2): generate.alphabet: 'alphabet' must be alnum")]
    [InlineData("""{ "name": "too-long", "uri": "openbao+kv2://secret/a#k", "cron": "@daily", "generate": { "length": 5000 } }""", "schedule 'too-long' (#2): generate.length:")]
    [InlineData("""{ "name": "no-key", "uri": "openbao+kv2://secret/a", "cron": "@daily" }""", "schedule 'no-key' (#2): uri: 'openbao+kv2://secret/a' names no key")]
    [InlineData("""{ "name": "bad-uri", "uri": "vault://secret/a#k", "cron": "@daily" }""", "schedule 'bad-uri' (#2): uri: invalid URI 'vault://secret/a#k': UNSUPPORTED_PROVIDER")]
    [InlineData("""{ "name": "pinned", "uri": "openbao+kv2://secret/a#k?version=2", "cron": "@daily" }""", "schedule 'pinned' (#2): uri: 'openbao+kv2://secret/a#k?version=2' pins a version")]
    [InlineData("""{ "name": "db-password", "uri": "openbao+kv2://secret/b#k", "cron": "@daily" }""", "schedule 'db-password' (#2): name: duplicate name; schedule #1 already has it")]
    [InlineData("""{ "name": "bad zone", "uri": "openbao+kv2://secret/a#k", "cron": "@daily" }""", "schedule #2: name: 'bad zone' is not a valid name")]
    [InlineData("""{ "name": "zone", "uri": "openbao+kv2://secret/a#k", "cron": "@daily", "time_zone": "Mars/Olympus" }""", "schedule 'zone' (#2): time_zone: unknown time zone 'Mars/Olympus'")]
    [InlineData("""{ "name": "jitter", "uri": "openbao+kv2://secret/a#k", "cron": "@daily", "jitter_s": 3601 }""", "schedule 'jitter' (#2): jitter_s: expected a whole number from 0 to 3600, got 3601")]
    [InlineData("""{ "name": "typo", "uri": "openbao+kv2://secret/a#k", "cron": "@daily", "enable": false }""", "schedule #2: unknown field 'enable'")]
    [InlineData("""{ "name": "no-cron", "uri": "openbao+kv2://secret/a#k" }""", "schedule 'no-cron' (#2): cron: missing")]
    public void A_bad_schedule_is_refused_naming_the_schedule_and_the_field(string schedule, string expected)
    {
        var error = Should.Throw<ScheduleLoadException>(() => ScheduleFile.Parse(File(schedule), Source));
        error.Message.ShouldStartWith(Source + ": " + expected, Case.Sensitive);
    }

    [Fact]
    public void A_good_file_gives_each_schedule_its_settings_and_defaults()
    {
        var schedules = ScheduleFile.Parse("""
            {
              // comments and trailing commas are allowed
              "schedules": [
                { "name": "db-password", "uri": "openbao+kv2://secret/app/db#password", "cron": "0 3 * * *" },
                { "name": "api.key_2", "uri": "openbao+kv2://secret/app/api#key", "cron": "*/30 * * * * *", "time_zone": "Europe/Berlin",
                  "generate": { "length": 64, "alphabet": "base64url" }, "jitter_s": 120, "catch_up_s": 0, "enabled": false, },
              ],
            }
            """, Source);

        schedules.Count.ShouldBe(2);
        var daily = schedules[0];
        (daily.Uri.ToString(), daily.TimeZoneId, daily.Generate.Length, daily.Generate.Alphabet, daily.Jitter, daily.CatchUp, daily.Enabled)
            .ShouldBe(("openbao+kv2://secret/app/db#password", "UTC", 32, "alnum", TimeSpan.Zero, TimeSpan.FromHours(1), true));
        daily.NextAfter(new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero)).ShouldBe(new DateTimeOffset(2026, 3, 2, 3, 0, 0, TimeSpan.Zero));
        var seconds = schedules[1];
        (seconds.Generate.Length, seconds.Generate.Alphabet, seconds.Jitter, seconds.CatchUp, seconds.Enabled)
            .ShouldBe((64, "base64url", TimeSpan.FromMinutes(2), TimeSpan.Zero, false));
        seconds.NextAfter(new DateTimeOffset(2026, 3, 1, 3, 0, 10, TimeSpan.Zero)).ShouldBe(new DateTimeOffset(2026, 3, 1, 3, 0, 30, TimeSpan.Zero));
    }

    [Fact]
    public void Time_zones_decide_when_a_schedule_is_due()
    {
        var schedule = ScheduleFile.Parse("""
            { "schedules": [ { "name": "berlin", "uri": "openbao+kv2://secret/a#k", "cron": "0 3 * * *", "time_zone": "Europe/Berlin" } ] }
            """, Source).ShouldHaveSingleItem();
        // 03:00 in Berlin is 02:00 UTC in winter, 01:00 UTC in summer
        schedule.NextAfter(new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero)).ShouldBe(new DateTimeOffset(2026, 1, 10, 2, 0, 0, TimeSpan.Zero));
        schedule.NextAfter(new DateTimeOffset(2026, 7, 10, 0, 0, 0, TimeSpan.Zero)).ShouldBe(new DateTimeOffset(2026, 7, 10, 1, 0, 0, TimeSpan.Zero));
        schedule.NextAfter(new DateTimeOffset(2026, 7, 10, 0, 0, 0, TimeSpan.Zero))!.Value.Offset.ShouldBe(TimeSpan.Zero);   // shown in UTC
        schedule.LatestBetween(new DateTimeOffset(2026, 7, 9, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 10, 0, 0, 0, TimeSpan.Zero))
            .ShouldBe(new DateTimeOffset(2026, 7, 9, 1, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("""{ "schedules": [ """, "schedules.json (line 1): not well-formed JSON")]
    [InlineData("""[]""", "schedules.json: expected an object with a 'schedules' list, got a list")]
    [InlineData("""{ "schedule": [] }""", "schedules.json: unknown field 'schedule'")]
    [InlineData("""{ }""", "schedules.json: schedules: missing")]
    public void A_file_of_the_wrong_shape_is_refused(string text, string expected) =>
        Should.Throw<ScheduleLoadException>(() => ScheduleFile.Parse(text, Source)).Message.ShouldStartWith(expected, Case.Sensitive);

    [Fact]
    public void The_host_refuses_to_start_on_a_bad_schedule_file_and_says_why()
    {
        using var host = ScheduledRotationHost.Create(File("""{ "name": "bad-cron", "uri": "openbao+kv2://secret/a#k", "cron": "not a cron" }"""));
        var error = Should.Throw<Exception>(() => host.CreateClient());
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        messages.ShouldContain("schedule 'bad-cron' (#2): cron:");
    }

    [Fact]
    public void The_host_refuses_to_start_without_the_schedule_file_it_names()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["ROTATION_SCHEDULES_PATH"] = "/nonexistent/schedules.json" });
        var error = Should.Throw<Exception>(() => host.CreateClient());
        string.Join(" | ", Chain(error).Select(e => e.Message)).ShouldContain("/nonexistent/schedules.json: the schedule file does not exist (ROTATION_SCHEDULES_PATH)");
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            yield return e;
    }
}
