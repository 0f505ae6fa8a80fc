using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>A run that fails is audited and recorded with its code, and the schedule runs again at its next occurrence.</summary>
public sealed class ScheduledRotationFailureTests
{
    [Fact]
    public async Task A_failed_run_is_audited_with_its_code_and_the_next_occurrence_runs()
    {
        const string name = "missing-key";
        var path = "openbao+kv2://secret/missing-" + Guid.NewGuid().ToString("N")[..8];
        using var host = ScheduledRotationHost.Create(ScheduledRotationHost.OneSchedule(name, path + "#k"));
        var client = host.CreateClient();

        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow());   // nothing to rotate yet
        await Scheduled.EventuallyAsync(async () => await client.LastRunAsync(name) is not null, "the failed run was recorded");
        var failed = (await client.LastRunAsync(name))!;
        (failed.Str("outcome"), failed.Str("error_code"), failed["version"]).ShouldBe(("failure", "SECRET_NOT_FOUND", (JsonNode?)null));
        var audited = (await client.RunsAuditedAsync(name)).ShouldHaveSingleItem();
        (audited.Str("event_type"), audited.Str("effect"), audited.Str("error_code"), audited.Str("subject"))
            .ShouldBe(("SECRET_ROTATED", "failure", "SECRET_NOT_FOUND", "rotation-scheduler"), audited.ToJsonString());

        (await client.SeedAsync(path, new { k = "before" })).EnsureSuccessStatusCode();
        host.Time.Advance(TimeSpan.FromHours(1));
        await Scheduled.EventuallyAsync(async () => (await client.LastRunAsync(name))!.Str("outcome") == "success", "the next occurrence ran");
        (await client.KeyAsync(path + "#k")).Version.ShouldBe(2);
        (await client.RunsAuditedAsync(name)).Count.ShouldBe(2);
    }
}
