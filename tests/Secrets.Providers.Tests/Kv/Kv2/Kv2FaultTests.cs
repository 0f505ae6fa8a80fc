using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Kv2;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using Secrets.Testing.Logging;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The KVv2 client against a scripted provider (WireMock.Net on loopback): how provider faults,
/// timeouts, redirects, token renewal and AppRole re-login reach the caller (docs/PROVIDERS.md).
/// Each test owns its server, its service provider and its captured logs.
/// </summary>
public sealed class Kv2FaultTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    /// <summary>VAULT_TIMEOUT of the tests about timeouts; the others give a loaded machine room.</summary>
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RoomyTimeout = TimeSpan.FromSeconds(15);
    private const string DataPath = "/v1/secret/data/app/db";
    private const string LookupPath = "/v1/auth/token/lookup-self";
    private const string RenewPath = "/v1/auth/token/renew-self";
    private const string LoginPath = "/v1/auth/approle/login";
    private const string VaultErrorBody = """{"errors":["Vault is sealed"]}""";
    private const string GoodRead = """
        {"data":{"data":{"password":"pw"},"metadata":{"version":3,"created_time":"2024-01-01T00:00:00Z","deletion_time":"","destroyed":false}}}
        """;

    private static readonly KvPath Db = new("secret", "app/db");

    private readonly string token = "s.token-canary-" + Guid.NewGuid().ToString("N");
    private readonly WireMockServer server = ScriptedHttp.Start();
    private readonly CapturingLoggerProvider logs = new();
    private readonly List<IDisposable> owned = [];

    public Kv2FaultTests()
    {
        // a static token that never expires unless a test says otherwise
        server.Given(Request.Create().WithPath(LookupPath).UsingGet())
            .AtPriority(100)
            .RespondWith(Json(200, """{"data":{"ttl":0,"renewable":false}}"""));
    }

    public void Dispose()
    {
        foreach (var d in owned)
            d.Dispose();
        server.Stop();
        server.Dispose();
    }

    // ---- 1. sealed ----

    [Fact]
    public async Task Sealed_server_on_a_read_is_503_PROVIDER_UNAVAILABLE_with_retry_after_after_bounded_retries()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(503, VaultErrorBody));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.Status.ShouldBe(503);
        problem.RetryAfter.ShouldNotBeNull();
        problem.RetryAfter.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        Requests("GET", DataPath).Count.ShouldBe(3);   // one attempt and two retries, then it gives up
    }

    // ---- 2. rate limited ----

    [Fact]
    public async Task Rate_limited_429_with_Retry_After_7_is_503_with_retry_after_7_seconds()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(429, """{"errors":["rate limit quota exceeded"]}""").WithHeader("Retry-After", "7"));
        var store = Store(Options());
        var clock = Stopwatch.StartNew();

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.Status.ShouldBe(503);
        problem.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));   // the provider's own Retry-After reaches the caller
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(7));   // and the client does not sleep it away itself
        Requests("GET", DataPath).Count.ShouldBeInRange(1, 3);
    }

    [Fact]
    public async Task Rate_limited_429_without_Retry_After_is_503_with_the_default_retry_after()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(429, """{"errors":["rate limit quota exceeded"]}"""));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.RetryAfter.ShouldBe(TimeSpan.FromSeconds(1));   // Kv2HttpClient's default
        Requests("GET", DataPath).Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_circuit_opened_by_a_failing_server_closes_within_about_a_second_of_its_return()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).AtPriority(1).RespondWith(Json(503, VaultErrorBody));
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).AtPriority(2).RespondWith(Json(200, GoodRead));
        var store = Store(Options(timeout: ShortTimeout));
        // 40 reads at once, 120 failed attempts within the sampling window: more than the breaker's minimum throughput
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct))));
        var opened = Requests("GET", DataPath).Count;
        (await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct))).Code.ShouldBe(ErrorCode.ProviderUnavailable);
        Requests("GET", DataPath).Count.ShouldBe(opened);   // open: refused without asking the server

        server.Mappings.Where(m => m.Priority == 1).ToList().ForEach(m => server.DeleteMapping(m.Guid));   // the server is back
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var entry = await store.ReadAsync(Db, null, Ct);
        entry.ShouldNotBeNull();
        entry.Version.ShouldBe(3);
    }

    // ---- 3. retries: reads yes, writes never ----

    [Fact]
    public async Task Read_answered_500_once_is_retried_and_succeeds()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Json(500, """{"errors":["internal error"]}"""));
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Json(200, GoodRead));
        var store = Store(Options());

        var entry = await store.ReadAsync(Db, null, Ct);

        entry.ShouldNotBeNull();
        entry.Version.ShouldBe(3);
        entry.Data.Entries["password"].ShouldBe(SecretValue.Of("pw"));
        Requests("GET", DataPath).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(502, "PROVIDER_ERROR")]
    [InlineData(503, "PROVIDER_UNAVAILABLE")]
    [InlineData(429, "PROVIDER_UNAVAILABLE")]
    public async Task Write_answered_with_a_transient_status_is_mapped_and_reaches_the_server_exactly_once(int status, string code)
    {
        server.Given(Request.Create().WithPath(DataPath).UsingPost()).RespondWith(Json(status, """{"errors":["internal error"]}"""));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(Db, SecretMap.Of("password", "new"), null, Ct));

        problem.Code.Value.ShouldBe(code);
        Requests("POST", DataPath).Count.ShouldBe(1);   // writes are never retried
    }

    [Fact]
    public async Task Write_answered_500_is_502_PROVIDER_ERROR_and_is_not_retried()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingPost()).RespondWith(Json(500, """{"errors":["internal error"]}"""));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(Db, SecretMap.Of("password", "new"), cas: 3, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderError);
        problem.Status.ShouldBe(502);
        Requests("POST", DataPath).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Soft_delete_answered_503_is_503_and_the_DELETE_reaches_the_server_exactly_once()
    {
        server.Given(Request.Create().WithPath("/v1/secret/metadata/app/db").UsingGet())
            .RespondWith(Json(200, """{"data":{"current_version":1,"oldest_version":0,"versions":{"1":{"created_time":"2024-01-01T00:00:00Z","deletion_time":"","destroyed":false}}}}"""));
        server.Given(Request.Create().WithPath(DataPath).UsingDelete()).RespondWith(Json(503, VaultErrorBody));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.DeleteAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        Requests("DELETE", DataPath).Count.ShouldBe(1);
    }

    // ---- 4. connection refused ----

    [Fact]
    public async Task Connection_refused_is_503_PROVIDER_UNAVAILABLE()
    {
        var closed = new Uri($"http://127.0.0.1:{LoopbackPorts.Unused()}/");
        var store = Store(Options(closed), address: closed);

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.RetryAfter.ShouldNotBeNull();
        server.LogEntries.ShouldBeEmpty();
    }

    // ---- 5. slow provider ----

    [Fact]
    public async Task Response_slower_than_the_timeout_is_503_within_a_bounded_time()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(200, GoodRead).WithDelay(ShortTimeout + TimeSpan.FromMilliseconds(300)));
        var store = Store(Options(timeout: ShortTimeout));
        await WarmUpAsync(store);
        var clock = Stopwatch.StartNew();

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        clock.Elapsed.ShouldBeLessThan(ShortTimeout * 3 + TimeSpan.FromSeconds(1));   // total timeout = 3 x attempt timeout
        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.Status.ShouldBe(503);
        problem.RetryAfter.ShouldNotBeNull();
        // WireMock logs a request once its delay has run out; the third attempt may or may not start
        // before the total timeout (jittered backoff), but there is never a fourth.
        await EventuallyAsync(() => Requests("GET", DataPath).Count >= 3, TimeSpan.FromSeconds(1.5));
        Requests("GET", DataPath).Count.ShouldBeInRange(2, 3);
    }

    // ---- 6. standby redirect ----

    [Fact]
    public async Task Standby_307_redirect_on_a_read_is_followed_to_the_active_node()
    {
        using var active = ScriptedHttp.Start();
        active.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(200, GoodRead));
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", active.Url + DataPath));
        var store = Store(Options());

        var entry = await store.ReadAsync(Db, null, Ct);

        entry.ShouldNotBeNull();
        entry.Data.Entries["password"].ShouldBe(SecretValue.Of("pw"));
        Requests("GET", DataPath).Count.ShouldBe(1);
        var followed = active.LogEntries.Where(e => e.RequestMessage.Path == DataPath).ToList();
        followed.Count.ShouldBe(1);
        Header(followed[0], "X-Vault-Token").ShouldBe(token);
        active.Stop();
    }

    // ---- 7. token renewal ----

    [Fact]
    public async Task Token_within_the_renewal_threshold_is_renewed_before_the_next_call_and_the_renewed_token_is_used()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var threshold = TimeSpan.FromSeconds(600);
        server.Given(Request.Create().WithPath(LookupPath).UsingGet())
            .RespondWith(Json(200, """{"data":{"ttl":660,"renewable":true}}"""));   // 60 s above the threshold
        server.Given(Request.Create().WithPath(RenewPath).UsingPost())
            .RespondWith(Json(200, """{"auth":{"client_token":"s.renewed","lease_duration":3600,"renewable":true}}"""));
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(200, GoodRead));
        var store = Store(Options() with { TokenRenewalThreshold = threshold }, time);

        await store.ReadAsync(Db, null, Ct);
        Requests("POST", RenewPath).ShouldBeEmpty();   // not yet within the threshold

        time.Advance(TimeSpan.FromSeconds(61));
        await store.ReadAsync(Db, null, Ct);

        var renewals = Requests("POST", RenewPath);
        renewals.Count.ShouldBe(1);
        Header(renewals[0], "X-Vault-Token").ShouldBe(token);
        var reads = Requests("GET", DataPath);
        reads.Count.ShouldBe(2);
        Header(reads[0], "X-Vault-Token").ShouldBe(token);
        Header(reads[1], "X-Vault-Token").ShouldBe("s.renewed");
        Requests("GET", LookupPath).Count.ShouldBe(1);
    }

    // ---- 8. AppRole ----

    [Fact]
    public async Task AppRole_token_refused_with_403_logs_in_once_more_and_retries_with_the_new_token()
    {
        StubLogins("s.approle-1", "s.approle-2", "s.approle-3");
        server.Given(Request.Create().WithPath(DataPath).UsingGet().WithHeader("X-Vault-Token", "s.approle-1"))
            .RespondWith(Json(403, """{"errors":["permission denied"]}"""));
        server.Given(Request.Create().WithPath(DataPath).UsingGet().WithHeader("X-Vault-Token", "s.approle-2"))
            .RespondWith(Json(200, GoodRead));
        server.Given(Request.Create().WithPath(LookupPath).UsingGet().WithHeader("X-Vault-Token", "s.approle-1"))
            .RespondWith(Json(403, """{"errors":["permission denied"]}"""));   // the token itself is dead (revoked)
        var store = Store(AppRoleOptions());

        var entry = await store.ReadAsync(Db, null, Ct);

        entry.ShouldNotBeNull();
        entry.Data.Entries["password"].ShouldBe(SecretValue.Of("pw"));
        Requests("POST", LoginPath).Count.ShouldBe(2);
        Requests("GET", DataPath).Select(e => Header(e, "X-Vault-Token")).ShouldBe(["s.approle-1", "s.approle-2"]);
        Requests("GET", LookupPath).Select(e => Header(e, "X-Vault-Token")).ShouldBe(["s.approle-1"]);   // checked before logging in again
    }

    [Fact]
    public async Task A_policy_denial_on_a_live_AppRole_token_is_502_without_a_new_login()
    {
        StubLogins("s.approle-1", "s.approle-2");
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(403, """{"errors":["permission denied"]}"""));
        server.Given(Request.Create().WithPath(LookupPath).UsingGet())
            .RespondWith(Json(200, """{"data":{"ttl":3600,"renewable":true}}"""));   // the token is fine: the path is not allowed
        var store = Store(AppRoleOptions());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderError);
        Requests("POST", LoginPath).Count.ShouldBe(1);
        Requests("GET", DataPath).Count.ShouldBe(1);
    }

    [Fact]
    public async Task AppRole_token_refused_again_after_one_re_login_is_502_PROVIDER_ERROR_without_a_login_loop()
    {
        StubLogins("s.approle-1", "s.approle-2", "s.approle-3");
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(403, """{"errors":["permission denied"]}"""));
        server.Given(Request.Create().WithPath(LookupPath).UsingGet())
            .RespondWith(Json(403, """{"errors":["permission denied"]}"""));   // every token it gets is dead
        var store = Store(AppRoleOptions());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderError);
        problem.Status.ShouldBe(502);
        Requests("POST", LoginPath).Count.ShouldBe(2);
        Requests("GET", DataPath).Select(e => Header(e, "X-Vault-Token")).ShouldBe(["s.approle-1", "s.approle-2"]);
    }

    [Fact]
    public async Task AppRole_login_answering_malformed_json_is_502_PROVIDER_ERROR()
    {
        server.Given(Request.Create().WithPath(LoginPath).UsingPost()).RespondWith(Json(200, "<html>proxy error</html>"));
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(200, GoodRead));
        var store = Store(AppRoleOptions());

        var read = () => store.ReadAsync(Db, null, Ct);

        var problem = await read.ShouldThrowAsync<SecretsProblem>();
        problem.Code.ShouldBe(ErrorCode.ProviderError);
        Requests("GET", DataPath).ShouldBeEmpty();
    }

    [Fact]
    public async Task AppRole_login_against_a_sealed_server_is_503_PROVIDER_UNAVAILABLE_with_retry_after()
    {
        server.Given(Request.Create().WithPath(LoginPath).UsingPost())
            .RespondWith(Json(503, VaultErrorBody).WithHeader("Retry-After", "5"));
        var store = Store(AppRoleOptions());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.RetryAfter.ShouldBe(TimeSpan.FromSeconds(5));
    }

    // ---- 9. malformed answers ----

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"data":null}""")]
    [InlineData("""{"data":{"data":"not a map"}}""")]
    [InlineData("""{"data":{"data":{"k":"v"},"metadata":{"version":"three"}}}""")]
    [InlineData("""{"data":{"data":{"k":"v"}""")]
    public async Task Malformed_json_on_a_200_read_is_502_PROVIDER_ERROR(string body)
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(200, body));
        var store = Store(Options());

        var read = () => store.ReadAsync(Db, null, Ct);

        var problem = await read.ShouldThrowAsync<SecretsProblem>();
        problem.Code.ShouldBe(ErrorCode.ProviderError);
        Requests("GET", DataPath).Count.ShouldBe(1);   // a 200 is not retried
    }

    // ---- 10. bulkhead ----

    [Fact]
    public async Task Bulkhead_full_refuses_the_waiter_with_503_PROVIDER_UNAVAILABLE_after_the_timeout()
    {
        const string slowPath = "/v1/secret/data/app/slow";
        server.Given(Request.Create().WithPath(slowPath).UsingGet())
            .RespondWith(Json(200, GoodRead).WithDelay(ShortTimeout * 2));
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(200, GoodRead));
        var store = Store(Options(timeout: ShortTimeout) with { MaxConcurrentOperations = 1 });
        await WarmUpAsync(store);
        var before = Requests("GET", DataPath).Count;

        var slow = store.ReadAsync(new KvPath("secret", "app/slow"), null, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);   // the slow read holds the only slot
        slow.IsCompleted.ShouldBeFalse();
        var clock = Stopwatch.StartNew();
        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));
        var waited = clock.Elapsed;

        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
        problem.RetryAfter.ShouldNotBeNull();
        waited.ShouldBeInRange(ShortTimeout - TimeSpan.FromMilliseconds(100), ShortTimeout * 2);
        Requests("GET", DataPath).Count.ShouldBe(before);   // the refused call never reached the provider
        (await Should.ThrowAsync<SecretsProblem>(() => slow)).Code.ShouldBe(ErrorCode.ProviderUnavailable);
    }

    // ---- 11. namespace and token hygiene ----

    [Fact]
    public async Task Every_request_carries_the_namespace_and_the_token_header_and_the_token_is_never_logged()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(200, GoodRead));
        server.Given(Request.Create().WithPath(DataPath).UsingPost()).RespondWith(Json(500, """{"errors":["internal error"]}"""));
        server.Given(Request.Create().WithPath("/v1/secret/metadata/app/db").UsingGet()).RespondWith(Json(403, """{"errors":["permission denied"]}"""));
        server.Given(Request.Create().WithPath("/v1/secret/data/app/sealed").UsingGet()).RespondWith(Json(503, VaultErrorBody));
        var store = Store(Options() with { Namespace = "team-a" });

        await store.ReadAsync(Db, null, Ct);
        var failures = new List<SecretsProblem>
        {
            await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(Db, SecretMap.Of("password", "new"), null, Ct)),
            await Should.ThrowAsync<SecretsProblem>(() => store.ReadMetadataAsync(Db, Ct)),
            await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(new KvPath("secret", "app/sealed"), null, Ct)),
        };

        var entries = server.LogEntries.ToList();
        entries.Count.ShouldBeGreaterThanOrEqualTo(6);
        entries.ShouldAllBe(e => Header(e, "X-Vault-Namespace") == "team-a");
        entries.ShouldAllBe(e => Header(e, "X-Vault-Token") == token);
        entries.ShouldAllBe(e => !e.RequestMessage.Url.Contains(token));
        failures.Select(f => f.Code).ShouldBe([ErrorCode.ProviderError, ErrorCode.ProviderError, ErrorCode.ProviderUnavailable]);
        logs.Lines.ShouldNotBeEmpty();
        logs.Text.ShouldNotContain(token, Case.Sensitive);
        failures.ShouldAllBe(f => !f.ToString().Contains(token));
    }

    [Fact]
    public async Task AppRole_login_carries_the_namespace_and_neither_secret_id_nor_token_is_logged()
    {
        var secretId = "secret-id-canary-" + Guid.NewGuid().ToString("N");
        StubLogins("s.approle-canary-1", "s.approle-canary-2");
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(403, """{"errors":["permission denied"]}"""));
        var store = Store(AppRoleOptions(secretId) with { Namespace = "team-a" });

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderError);
        server.LogEntries.ShouldAllBe(e => Header(e, "X-Vault-Namespace") == "team-a");
        logs.Lines.ShouldNotBeEmpty();
        logs.Text.ShouldNotContain(secretId, Case.Sensitive);
        logs.Text.ShouldNotContain("s.approle-canary", Case.Sensitive);
        problem.ToString().ShouldNotContain(secretId);
    }

    // ---- 12. CAS and deleted / destroyed versions ----

    [Fact]
    public async Task Check_and_set_mismatch_is_409_CAS_MISMATCH()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingPost())
            .RespondWith(Json(400, """{"errors":["check-and-set parameter did not match the current version"]}"""));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(Db, SecretMap.Of("password", "new"), cas: 1, Ct));

        problem.Code.ShouldBe(ErrorCode.CasMismatch);
        problem.Status.ShouldBe(409);
        Requests("POST", DataPath).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("check-and-set parameter did not match the current version", "CAS_MISMATCH", 409)]
    [InlineData("check-and-set parameter required for this call", "CAS_REQUIRED", 428)]
    [InlineData("error parsing check-and-set parameter", "PROVIDER_ERROR", 502)]
    [InlineData("metadata check-and-set parameter required for this call", "PROVIDER_ERROR", 502)]
    public async Task Each_check_and_set_answer_of_a_data_write_has_its_own_problem(string error, string code, int status)
    {
        server.Given(Request.Create().WithPath(DataPath).UsingPost()).RespondWith(Json(400, $$"""{"errors":["{{error}}"]}"""));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(Db, SecretMap.Of("password", "new"), cas: null, Ct));

        problem.Code.Value.ShouldBe(code);
        problem.Status.ShouldBe(status);
        Requests("POST", DataPath).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_metadata_write_sends_the_metadata_count_it_read_as_metadata_cas()
    {
        const string metadataPath = "/v1/secret/metadata/app/db";
        server.Given(Request.Create().WithPath(metadataPath).UsingGet())
            .RespondWith(Json(200, """{"data":{"current_version":1,"oldest_version":0,"created_time":"2024-01-01T00:00:00.123456789Z","updated_time":"2024-01-02T00:00:00Z","custom_metadata":{"a":"1"},"versions":{},"current_metadata_version":7,"metadata_cas_required":false}}"""));
        server.Given(Request.Create().WithPath(metadataPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        var store = Store(Options());

        await store.UpdateCustomMetadataAsync(Db, c => new Dictionary<string, string>(c) { ["b"] = "2" }, Ct);

        var body = System.Text.Json.Nodes.JsonNode.Parse(Requests("POST", metadataPath).ShouldHaveSingleItem().RequestMessage.Body!)!;
        ((long)body["metadata_cas"]!).ShouldBe(7);
        body["custom_metadata"]!.ToJsonString().ShouldBe("""{"a":"1","b":"2"}""");
    }

    [Fact]
    public async Task A_metadata_write_to_a_server_without_metadata_counts_sends_no_metadata_cas()
    {
        const string metadataPath = "/v1/secret/metadata/app/db";
        server.Given(Request.Create().WithPath(metadataPath).UsingGet())
            .RespondWith(Json(200, """{"data":{"current_version":1,"oldest_version":0,"created_time":"2024-01-01T00:00:00Z","updated_time":"2024-01-01T00:00:00Z","custom_metadata":null,"versions":{}}}"""));
        server.Given(Request.Create().WithPath(metadataPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        var store = Store(Options());

        await store.WriteCustomMetadataAsync(Db, new Dictionary<string, string> { ["b"] = "2" }, Ct);

        Requests("POST", metadataPath).ShouldHaveSingleItem().RequestMessage.Body.ShouldBe("""{"custom_metadata":{"b":"2"}}""");
    }

    [Fact]
    public async Task Nine_digit_fractions_of_OpenBao_times_are_read_to_the_nearest_100_ns()
    {
        const string metadataPath = "/v1/secret/metadata/app/db";
        server.Given(Request.Create().WithPath(metadataPath).UsingGet())
            .RespondWith(Json(200, """{"data":{"current_version":1,"oldest_version":0,"created_time":"2024-01-01T00:00:00.123456789Z","updated_time":"2024-01-01T00:00:01Z","custom_metadata":null,"versions":{"1":{"created_time":"2024-01-01T00:00:00.000000001Z","deletion_time":"","destroyed":false}}}}"""));
        var store = Store(Options());

        var metadata = (await store.ReadMetadataAsync(Db, Ct))!;

        metadata.CreatedTime.ShouldBe(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_568));
        metadata.UpdatedTime.ShouldBe(new DateTimeOffset(2024, 1, 1, 0, 0, 1, TimeSpan.Zero));
        metadata.Versions.ShouldHaveSingleItem().CreatedTime.ShouldBe(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    // ---- 13. listings cut short ----

    private const string ListPath = "/v1/secret/metadata/app/";

    private void StubListPage(string? after, string keys) =>
        server.Given(after is null
                ? Request.Create().WithPath(ListPath).UsingGet().WithParam("list", "true")
                : Request.Create().WithPath(ListPath).UsingGet().WithParam("list", "true").WithParam("after", after))
            .AtPriority(after is null ? 10 : 1)
            .RespondWith(Json(200, """{"data":{"keys":""" + keys + "}}"));

    [Fact]
    public async Task An_OpenBao_listing_cut_short_is_read_on_after_its_last_name_until_a_page_brings_nothing()
    {
        StubListPage(null, """["a","b/"]""");          // an ACL pagination_limit of 2
        StubListPage("b/", """["c"]""");
        server.Given(Request.Create().WithPath(ListPath).UsingGet().WithParam("after", "c")).AtPriority(1).RespondWith(Json(404, """{"errors":[]}"""));
        var store = Store(Options());

        var names = await store.ListAsync(new KvPath("secret", "app"), Ct).ToListAsync();

        names.ShouldBe(["a", "b/", "c"]);
        Requests("GET", ListPath).Select(e => e.RequestMessage.Query!.TryGetValue("after", out var a) ? a.Single() : null)
            .ShouldBe([null, "b/", "c"]);
    }

    [Fact]
    public async Task A_server_that_ignores_after_ends_the_listing_with_the_names_it_repeats()
    {
        StubListPage(null, """["a","b"]""");
        var store = Store(Options());

        var names = await store.ListAsync(new KvPath("secret", "app"), Ct).ToListAsync();

        names.ShouldBe(["a", "b"]);
        Requests("GET", ListPath).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_HashiCorp_Vault_listing_is_one_request()
    {
        StubListPage(null, """["a","b"]""");
        var config = new Dictionary<string, string?> { ["HASHICORP_TOKEN"] = token };
        var options = Kv2Options.Bind("hashicorp+kv2", k => config.GetValueOrDefault(k), ["HASHICORP", "VAULT"], ServerAddress) with { Timeout = RoomyTimeout };
        var store = Store(options);

        var names = await store.ListAsync(new KvPath("secret", "app"), Ct).ToListAsync();

        names.ShouldBe(["a", "b"]);
        Requests("GET", ListPath).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(false, "VERSION_DELETED")]
    [InlineData(true, "VERSION_DESTROYED")]
    public async Task Pinned_read_of_a_deleted_or_destroyed_version_is_409(bool destroyed, string code)
    {
        var deletion = destroyed ? "" : "2024-02-01T00:00:00Z";
        var flag = destroyed ? "true" : "false";
        server.Given(Request.Create().WithPath(DataPath).UsingGet().WithParam("version", "2"))
            .RespondWith(Json(404, $$"""{"data":{"data":null,"metadata":{"version":2,"created_time":"2024-01-01T00:00:00Z","deletion_time":"{{deletion}}","destroyed":{{flag}}""" + "}}}"));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => store.ReadAsync(Db, 2, Ct));

        problem.Code.Value.ShouldBe(code);
        problem.Status.ShouldBe(409);
        Requests("GET", DataPath).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Unpinned_read_whose_latest_version_is_deleted_is_null()
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet())
            .RespondWith(Json(404, """{"data":{"data":null,"metadata":{"version":2,"created_time":"2024-01-01T00:00:00Z","deletion_time":"2024-02-01T00:00:00Z","destroyed":false}}}"""));
        var store = Store(Options());

        (await store.ReadAsync(Db, null, Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"errors":[]}""")]
    [InlineData("")]
    [InlineData("not json")]
    public async Task Plain_404_is_null(string body)
    {
        server.Given(Request.Create().WithPath(DataPath).UsingGet()).RespondWith(Json(404, body));
        var store = Store(Options());

        (await store.ReadAsync(Db, null, Ct)).ShouldBeNull();
        (await store.ReadAsync(Db, 5, Ct)).ShouldBeNull();
        Requests("GET", DataPath).Count.ShouldBe(2);   // a 404 is not retried
    }

    // ---- 14. provider error texts ----

    [Theory]
    [InlineData("POST", 400)]
    [InlineData("GET", 400)]
    [InlineData("GET", 500)]
    [InlineData("GET", 403)]
    public async Task Provider_error_texts_reach_neither_the_exception_nor_the_logs(string method, int status)
    {
        var canary = "canary-" + Guid.NewGuid().ToString("N");
        server.Given(Request.Create().WithPath(DataPath).UsingMethod(method))
            .RespondWith(Json(status, $$"""{"errors":["1 error occurred:\n\t* invalid value '{{canary}}' for field password"]}"""));
        var store = Store(Options());

        var problem = await Should.ThrowAsync<SecretsProblem>(() => method == "POST"
            ? store.WriteAsync(Db, SecretMap.Of("password", canary), null, Ct)
            : store.ReadAsync(Db, null, Ct));

        problem.Code.ShouldBe(ErrorCode.ProviderError);
        problem.Message.ShouldNotContain(canary);
        problem.ToString().ShouldNotContain(canary);
        logs.Lines.ShouldNotBeEmpty();
        logs.Text.ShouldNotContain(canary, Case.Sensitive);
        logs.Text.ShouldNotContain(token, Case.Sensitive);
    }

    // ---- helpers ----

    private Kv2Options Options(Uri? address = null, TimeSpan? timeout = null)
    {
        var config = new Dictionary<string, string?> { ["OPENBAO_TOKEN"] = token };
        return Kv2Options.Bind("openbao+kv2", k => config.GetValueOrDefault(k), ["OPENBAO", "VAULT"], address ?? ServerAddress)
            with { Timeout = timeout ?? RoomyTimeout };
    }

    private Kv2Options AppRoleOptions(string secretId = "secret-id-1")
    {
        var config = new Dictionary<string, string?> { ["OPENBAO_ROLE_ID"] = "role-1", ["OPENBAO_SECRET_ID"] = secretId };
        return Kv2Options.Bind("openbao+kv2", k => config.GetValueOrDefault(k), ["OPENBAO", "VAULT"], ServerAddress)
            with { Timeout = RoomyTimeout };
    }

    private Uri ServerAddress => new(server.Url + "/");

    private IKvStore Store(Kv2Options options, TimeProvider? time = null, Uri? address = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton(time ?? TimeProvider.System);
        var where = address ?? ServerAddress;
        services.AddKv2Store(options, _ => new Kv2Server(() => where));
        var provider = services.BuildServiceProvider();
        owned.Add(provider);
        return provider.GetRequiredService<IKvStore>();
    }

    /// <summary>Acquires the token and opens a connection, so that timing assertions measure only the call under test.</summary>
    private async Task WarmUpAsync(IKvStore store)
    {
        const string warmPath = "/v1/secret/data/app/warm";
        server.Given(Request.Create().WithPath(warmPath).UsingGet()).RespondWith(Json(200, GoodRead));
        (await store.ReadAsync(new KvPath("secret", "app/warm"), null, Ct)).ShouldNotBeNull();
    }

    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < within)
            await Task.Delay(50, Ct);
    }

    private void StubLogins(params string[] tokens)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            var login = server.Given(Request.Create().WithPath(LoginPath).UsingPost()).InScenario("logins");
            if (i > 0)
                login = login.WhenStateIs("login-" + i);
            login.WillSetStateTo("login-" + (i + 1))
                .RespondWith(Json(200, $$$"""{"auth":{"client_token":"{{{tokens[i]}}}","lease_duration":3600,"renewable":true}}"""));
        }
    }

    private List<ILogEntry> Requests(string method, string path) =>
        server.LogEntries
            .Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path)
            .OrderBy(e => e.RequestMessage.DateTime)
            .ToList();
}
