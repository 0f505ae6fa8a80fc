using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Secrets.Shared.Kernel.Tests;

/// <summary>The tenant guard (docs/URIS.md#tenant-guard): mounts outside TENANT_ALLOWED_MOUNTS fail closed and are counted.</summary>
public sealed class TenantGuardTests
{
    private const string CounterName = "tenant_mount_violation_total";

    /// <summary>A unique tenant id per test keeps the counter readings of parallel tests apart.</summary>
    private static TenantGuard Guard(out string tenantId, params string[] mounts)
    {
        tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        return new TenantGuard(new TenantContext(tenantId, mounts, "salt"));
    }

    [Theory]
    [InlineData("openbao+kv2://secret/app/api#token")]
    [InlineData("hashicorp://kv/payments/stripe")]
    [InlineData("yaml://secret/env#MY_API_KEY")]
    public void Mount_in_the_allowed_list_passes(string input)
    {
        var guard = Guard(out _, "secret", "kv");

        Should.NotThrow(() => guard.EnsureMountAllowed(CanonicalSecretUri.Parse(input)));
    }

    [Theory]
    [InlineData("openbao+kv2://other/app/api")]
    [InlineData("openbao+kv2://Secret/app/api")]       // mounts are case-sensitive
    [InlineData("openbao+kv2://secrets/app/api")]
    [InlineData("openbao+kv2://sec/app/api")]
    public void Mount_outside_the_allowed_list_is_TENANT_MOUNT_MISMATCH(string input)
    {
        var guard = Guard(out _, "secret");

        var problem = Should.Throw<SecretsProblem>(() => guard.EnsureMountAllowed(CanonicalSecretUri.Parse(input)));

        problem.Code.ShouldBe(ErrorCode.TenantMountMismatch);
        problem.Code.Value.ShouldBe("TENANT_MOUNT_MISMATCH");
        problem.Status.ShouldBe(400);
        problem.Message.ShouldBe("mount not allowed for tenant");
    }

    [Fact]
    public void Guard_fails_closed_when_no_mount_is_allowed()
    {
        var guard = Guard(out _, "", "  ");

        guard.Tenant.AllowedMounts.ShouldBeEmpty();
        Should.Throw<SecretsProblem>(() => guard.EnsureMountAllowed(CanonicalSecretUri.Parse("openbao+kv2://secret/x")))
            .Code.ShouldBe(ErrorCode.TenantMountMismatch);
    }

    [Fact]
    public void Allowed_mounts_are_trimmed_and_empty_entries_dropped()
    {
        var guard = Guard(out _, " secret ", "", "kv");

        guard.Tenant.AllowedMounts.OrderBy(m => m, StringComparer.Ordinal).ShouldBe(["kv", "secret"]);
        guard.Tenant.IsMountAllowed("secret").ShouldBeTrue();
        guard.Tenant.IsMountAllowed(" secret ").ShouldBeFalse();
    }

    [Fact]
    public void Mount_is_compared_after_percent_decoding()
    {
        var guard = Guard(out _, "secret");

        Should.NotThrow(() => guard.ParseAllowed("openbao+kv2://%73ecret/x"));
    }

    [Fact]
    public void Prefix_of_another_mount_is_rejected_and_of_an_allowed_mount_passes()
    {
        var guard = Guard(out _, "secret");

        guard.ParseAllowed("yaml://secret", null, UriAllowance.Prefix).ToString().ShouldBe("yaml://secret/*");
        Should.Throw<SecretsProblem>(() => guard.ParseAllowed("yaml://other/*", null, UriAllowance.Prefix))
            .Code.ShouldBe(ErrorCode.TenantMountMismatch);
    }

    [Fact]
    public void ParseAllowed_reports_the_parse_code_before_the_guard_and_counts_no_violation()
    {
        var guard = Guard(out var tenantId, "secret");
        using var counter = new ViolationCounter(tenantId);

        Should.Throw<SecretsProblem>(() => guard.ParseAllowed("vault://other/x")).Code.ShouldBe(ErrorCode.UnsupportedProvider);
        Should.Throw<SecretsProblem>(() => guard.ParseAllowed("openbao+kv2://other//x")).Code.ShouldBe(ErrorCode.IllegalSegment);
        Should.Throw<SecretsProblem>(() => guard.ParseAllowed("openbao+kv2://other/x")).Code.ShouldBe(ErrorCode.TenantMountMismatch);

        counter.Total.ShouldBe(1);
    }

    [Fact]
    public void ParseAllowed_returns_the_canonical_uri_of_an_allowed_mount()
    {
        var guard = Guard(out _, "secret");

        guard.ParseAllowed(" OpenBao://secret/app/api#token ", 3).ToString()
            .ShouldBe("openbao+kv2://secret/app/api#token?version=3");
    }

    [Fact]
    public void Each_violation_increments_tenant_mount_violation_total_and_allowed_calls_do_not()
    {
        var guard = Guard(out var tenantId, "secret");
        using var counter = new ViolationCounter(tenantId);

        guard.EnsureMountAllowed(CanonicalSecretUri.Parse("openbao+kv2://secret/a"));
        counter.Total.ShouldBe(0);

        Should.Throw<SecretsProblem>(() => guard.EnsureMountAllowed(CanonicalSecretUri.Parse("openbao+kv2://other/a")));
        counter.Total.ShouldBe(1);

        Should.Throw<SecretsProblem>(() => guard.EnsureMountAllowed(CanonicalSecretUri.Parse("yaml://kv/b")));
        Should.Throw<SecretsProblem>(() => guard.ParseAllowed("hashicorp://x/c"));
        counter.Total.ShouldBe(3);

        guard.ParseAllowed("openbao+kv2://secret/b");
        counter.Total.ShouldBe(3);
        counter.Instruments.ShouldBe([(Telemetry.Name, CounterName)]);
    }

    /// <summary>Listens to the "Secrets" meter and sums tenant_mount_violation_total for one tenant.</summary>
    private sealed class ViolationCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentDictionary<(string Meter, string Instrument), bool> instruments = new();
        private long total;

        public ViolationCounter(string tenantId)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Telemetry.Name && instrument.Name == CounterName)
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "tenant" && Equals(tag.Value, tenantId))
                    {
                        instruments[(instrument.Meter.Name, instrument.Name)] = true;
                        Interlocked.Add(ref total, value);
                    }
                }
            });
            listener.Start();
        }

        public long Total => Interlocked.Read(ref total);

        public IReadOnlyList<(string Meter, string Instrument)> Instruments => [.. instruments.Keys];

        public void Dispose() => listener.Dispose();
    }
}
