using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>
/// A host with a schedule file (<c>ROTATION_SCHEDULES_PATH</c>) and a <see cref="FakeTimeProvider"/> as its clock, so a
/// test moves time and the scheduler follows. Dev profile: the audit buffer is on, and the host runs its own embedded
/// KVv2 server unless the settings point it at another one.
/// </summary>
internal sealed class ScheduledRotationHost : SecretsHostFactory
{
    /// <summary>Hourly (at minute 0) from here on: the clock starts 30 s past an hour.</summary>
    public static readonly DateTimeOffset Start = StartingNow(DateTimeOffset.UtcNow);

    /// <summary>The first hourly occurrence after <see cref="Start"/>.</summary>
    public static readonly DateTimeOffset FirstDue = Start.AddSeconds(-30).AddHours(1);

    private readonly string schedulesDirectory;

    private static DateTimeOffset StartingNow(DateTimeOffset now) => new(now.Year, now.Month, now.Day, now.Hour, 0, 30, TimeSpan.Zero);

    private ScheduledRotationHost(string schedulesPath, IDictionary<string, string?> settings, string? policies, FakeTimeProvider time)
        : base(settings, policies: policies)
    {
        schedulesDirectory = Path.GetDirectoryName(schedulesPath)!;
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public static ScheduledRotationHost Create(string schedulesJson, IDictionary<string, string?>? overrides = null, string? policies = null, FakeTimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "secrets-tests", "schedules-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "schedules.json");
        File.WriteAllText(path, schedulesJson);
        var settings = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["ROTATION_SCHEDULES_PATH"] = path,
        };
        return new ScheduledRotationHost(path, settings, policies, time ?? new FakeTimeProvider(Start));
    }

    /// <summary>A schedule file of one schedule.</summary>
    public static string OneSchedule(string name, string uri, string cron = "0 * * * *", string extra = "") => $$"""
        {
          // hourly, no catch-up: nothing is due when the host starts
          "schedules": [
            { "name": "{{name}}", "uri": "{{uri}}", "cron": "{{cron}}", "catch_up_s": 0,
              "generate": { "length": 40, "alphabet": "hex" }{{extra}} }
          ]
        }
        """;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            System.IO.Directory.Delete(schedulesDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

/// <summary>Reads back what the scheduler did.</summary>
internal static class Scheduled
{
    public const string Path = "/api/secrets/rotation/schedules";

    /// <summary>Polls <paramref name="condition"/> (real time) until it holds or 15 s passed.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException("still not true after 15 s: " + what);
            await Task.Delay(25);
        }
    }

    /// <summary>Gives a scheduler that should do nothing the time to do something wrong (real time).</summary>
    public static Task SettleAsync() => Task.Delay(750);

    public static async Task<JsonArray> SchedulesAsync(this HttpClient client) =>
        (await (await client.GetAsync(Path)).ShouldBeOkJsonAsync())["schedules"]!.AsArray();

    public static async Task<JsonNode?> LastRunAsync(this HttpClient client, string name) =>
        (await client.SchedulesAsync()).Single(s => s!["name"]!.GetValue<string>() == name)!["last_run"];

    /// <summary>The version and value of one key through GET /api/secrets/value.</summary>
    public static async Task<(int Version, string Value)> KeyAsync(this HttpClient client, string uri)
    {
        var body = await (await client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(uri)}")).ShouldBeOkJsonAsync();
        return (body["version"]!.GetValue<int>(), body["value"]!.GetValue<string>());
    }

    /// <summary>The SECRET_ROTATED and AUTHZ_DENIED records the scheduler wrote for <paramref name="schedule"/>.</summary>
    public static async Task<IReadOnlyList<JsonNode>> RunsAuditedAsync(this HttpClient client, string schedule) =>
        (await AuditProbe.EventsAsync(client)).Where(e => e.Str("schedule") == schedule).OrderBy(e => e["seq"]!.GetValue<long>()).ToList();

    public static Task<HttpResponseMessage> SeedAsync(this HttpClient client, string path, object value) =>
        client.PostAsJsonAsync("/api/secrets", new { uri = path, value });
}
