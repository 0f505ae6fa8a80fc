using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;
using Xunit;
using Xunit.Abstractions;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests.Replicas;

/// <summary>
/// Correctness across replicas (docs/ARCHITECTURE.md#replicas): three host processes on one <c>redis-server</c>
/// behind the round-robin front hold <c>max_uses</c> exactly, accept a DPoP proof once, and fail closed while Redis
/// is away, then recover by themselves.
/// </summary>
public sealed class ThreeReplicaTests(ThreeReplicas replicas, ITestOutputHelper output) : IClassFixture<ThreeReplicas>
{
    private const string ValuePath = "/api/secrets/value";
    private static readonly string Read = ValuePath + "?uri=" + Q("yaml://secret/env#MY_API_KEY");

    [Fact]
    public async Task A_grant_of_17_uses_lets_exactly_17_of_200_concurrent_reads_through_the_front_and_the_replicas_metrics_agree()
    {
        replicas.FlushRedis();
        replicas.PdpAnswers(n => n == 1 ? 17 : null);
        var before = await DecisionsAsync();
        using var front = replicas.Front.CreateClient();

        var answers = await ConcurrentlyAsync(200, _ => front.GetAsync(Read));

        answers.Count(a => a.Status == HttpStatusCode.OK).ShouldBe(17, Tally(answers));
        answers.Where(a => a.Status != HttpStatusCode.OK).ShouldAllBe(a => a.Status == HttpStatusCode.Forbidden && a.Code == "SECRET_AUTHZ_FAILED", Tally(answers));
        replicas.Evaluations.ShouldBe(2);     // the permit, then one deny that every replica took from Redis
        var after = await DecisionsAsync();
        for (var waited = 0; after.Sum(a => a.Permit + a.Deny) - before.Sum(b => b.Permit + b.Deny) < 200 && waited < 50; waited++)
        {
            await Task.Delay(100);              // the exporter may answer a scrape from its cache for a moment
            after = await DecisionsAsync();
        }
        var permits = after.Select((a, i) => a.Permit - before[i].Permit).ToList();
        var denies = after.Select((a, i) => a.Deny - before[i].Deny).ToList();
        permits.Sum().ShouldBe(17);
        denies.Sum().ShouldBe(183);
        for (var i = 0; i < 3; i++)
            (permits[i] + denies[i]).ShouldBeInRange(60, 73, "the front sends every third request to each replica");
    }

    [Fact]
    public async Task A_pdp_permitting_17_uses_each_time_is_asked_exactly_12_times_for_200_concurrent_reads_over_the_three_replicas()
    {
        replicas.FlushRedis();
        replicas.PdpAnswers(_ => 17);
        var clients = replicas.Clients()[..3];

        var answers = await ConcurrentlyAsync(200, i => clients[i % 3].GetAsync(Read));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK, Tally(answers));
        replicas.Evaluations.ShouldBe(12);    // 11 grants used 17 times each, the 12th 13 times: no use lost, none twice
    }

    [Fact]
    public async Task A_dpop_proof_accepted_through_the_front_is_replay_denied_at_every_replica_and_again_through_the_front()
    {
        var (key, token, proof) = DpopCaller();
        using var owned = key;
        var clients = replicas.Clients();

        var first = await clients[3].SendAsync(WithProof(token, proof));
        await first.ShouldReadTheValueAsync();

        for (var i = 0; i < clients.Length; i++)
            await (await clients[i].SendAsync(WithProof(token, proof))).ShouldBeDpopRefusalAsync("REPLAY_DENIED", "invalid_token");
    }

    [Fact]
    public async Task A_proof_made_for_the_front_is_accepted_by_a_replica_addressed_directly()
    {
        var (key, token, proof) = DpopCaller();
        using var owned = key;
        using var direct = replicas.Hosts[1].CreateClient();

        var answer = await direct.SendAsync(WithProof(token, proof));
        await answer.ShouldReadTheValueAsync();

        var other = TokenOf(key);
        var ownAddress = await direct.SendAsync(WithProof(other, DpopProofs.Proof(key, "GET", new Uri(replicas.Hosts[1].BaseAddress, ValuePath).ToString(), other)));
        var problem = await ownAddress.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_DPOP_PROOF");
        problem["detail"]!.GetValue<string>().ShouldBe("the htu does not match the request URL");   // the public base URL counts, not where the host listens
    }

    [Fact]
    public async Task One_proof_sent_200_times_at_once_over_the_three_replicas_and_the_front_is_accepted_exactly_once()
    {
        var (key, token, proof) = DpopCaller();
        using var owned = key;
        var clients = replicas.Clients();

        var answers = await ConcurrentlyAsync(200, i => clients[i % 4].SendAsync(WithProof(token, proof)));

        answers.Count(a => a.Status == HttpStatusCode.OK).ShouldBe(1, Tally(answers));
        answers.Where(a => a.Status != HttpStatusCode.OK).ShouldAllBe(a => a.Status == HttpStatusCode.Unauthorized && a.Code == "REPLAY_DENIED", Tally(answers));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(15)]
    public async Task While_redis_restarts_reads_are_503_with_retry_after_never_200_and_recover_within_5_seconds(int gapSeconds)
    {
        replicas.FlushRedis();
        replicas.PdpAnswers(_ => 1000);
        var clients = replicas.Clients();
        var clock = Stopwatch.StartNew();
        var answers = new List<Timed>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<Timed>();
            for (var n = w; !stop.IsCancellationRequested; n++)
            {
                var started = clock.Elapsed;
                var answer = await AnswerOfAsync(await clients[n % clients.Length].GetAsync(Read));
                mine.Add(new Timed(started, clock.Elapsed, answer));
            }
            return mine;
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var stopping = clock.Elapsed;
        await Task.Run(replicas.Redis.Stop);
        var stopped = clock.Elapsed;
        var readyWithout = await ReadinessAsync();
        await Task.Delay(TimeSpan.FromSeconds(gapSeconds) - (clock.Elapsed - stopped));
        var restarting = clock.Elapsed;
        await Task.Run(replicas.Redis.Start);
        var restarted = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(7));
        var readyAgain = await ReadinessAsync();
        await stop.CancelAsync();
        foreach (var mine in await Task.WhenAll(workers))
            answers.AddRange(mine);

        var unavailable = answers.Where(a => a.Answer.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var firstOk = answers.Where(a => a.Started >= restarted && a.Answer.Status == HttpStatusCode.OK).Min(a => (TimeSpan?)a.Ended);
        var last503 = unavailable.Max(a => (TimeSpan?)a.Ended);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{answers.Count} reads; Redis stopped {stopping.TotalSeconds:0.00}-{stopped.TotalSeconds:0.00} s, started {restarting.TotalSeconds:0.00}-{restarted.TotalSeconds:0.00} s; " +
            $"{unavailable.Count} answers 503; first 200 {(firstOk - restarted)?.TotalMilliseconds:0} ms after the restart, last 503 {(last503 - restarted)?.TotalMilliseconds:0} ms after it"));

        answers.Where(a => a.Answer.Status != HttpStatusCode.OK)
            .ShouldAllBe(a => a.Answer.Status == HttpStatusCode.ServiceUnavailable && a.Answer.Code == "GRANT_STATE_UNAVAILABLE" && a.Answer.RetryAfter,
                Tally(answers.Select(a => a.Answer)));
        var inGap = answers.Where(a => a.Started >= stopped && a.Ended <= restarting).ToList();
        inGap.Count.ShouldBeGreaterThan(10);
        inGap.ShouldAllBe(a => a.Answer.Status == HttpStatusCode.ServiceUnavailable, "no read is permitted while Redis is away");
        readyWithout.ShouldAllBe(s => s == HttpStatusCode.ServiceUnavailable, "a process without Redis is not ready");
        readyAgain.ShouldAllBe(s => s == HttpStatusCode.OK);
        var recovered = answers.Where(a => a.Started >= restarted + TimeSpan.FromSeconds(5)).ToList();
        recovered.Count.ShouldBeGreaterThan(10);
        recovered.ShouldAllBe(a => a.Answer.Status == HttpStatusCode.OK, Tally(recovered.Select(a => a.Answer)));
    }

    /// <summary>The URL a proof names: the front's, which is every host's public base URL.</summary>
    private string Htu => new Uri(replicas.FrontAddress, ValuePath).ToString();

    /// <summary>A new proof key, a token of a new subject bound to it and one proof for the front's URL; the PDP permits five uses.</summary>
    private (ProofKey Key, string Token, string Proof) DpopCaller()
    {
        replicas.PdpAnswers(_ => 5);
        var key = ProofKey.Ec();
        var token = TokenOf(key);
        return (key, token, DpopProofs.Proof(key, "GET", Htu, token));
    }

    private static HttpRequestMessage WithProof(string token, string proof) => TokenRequests.Request(HttpMethod.Get, Read, "DPoP", token, proof);

    private string TokenOf(ProofKey key) => replicas.Issuer.Token(t =>
    {
        TestIssuer.BoundToDpop(key)(t);
        t.Claims["sub"] = "replica-" + Guid.NewGuid().ToString("N");
    });

    private sealed record Answer(HttpStatusCode Status, string? Code, bool RetryAfter);

    private sealed record Timed(TimeSpan Started, TimeSpan Ended, Answer Answer);

    private static async Task<Answer> AnswerOfAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            string? code = null;
            if (response.StatusCode != HttpStatusCode.OK)
                code = JsonNode.Parse(body)?["code"]?.GetValue<string>();
            return new Answer(response.StatusCode, code, response.Headers.RetryAfter is not null);
        }
    }

    /// <summary><paramref name="count"/> requests released at once; their answers in request order.</summary>
    private static async Task<Answer[]> ConcurrentlyAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        using var start = new ManualResetEventSlim();
        var sends = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await AnswerOfAsync(await send(i));
        })).ToList();
        start.Set();
        return await Task.WhenAll(sends);
    }

    private static string Tally(IEnumerable<Answer> answers) =>
        string.Join(", ", answers.GroupBy(a => (a.Status, a.Code)).Select(g => $"{(int)g.Key.Status} {g.Key.Code}: {g.Count()}"));

    /// <summary>Each host's <c>/health/ready</c> status.</summary>
    private async Task<HttpStatusCode[]> ReadinessAsync() => await Task.WhenAll(replicas.Hosts.Select(async host =>
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/health/ready");
        return response.StatusCode;
    }));

    /// <summary>Each host's <c>secrets_decisions_total</c> by effect, from its own <c>/metrics</c>.</summary>
    private async Task<(double Permit, double Deny)[]> DecisionsAsync()
    {
        var result = new (double, double)[replicas.Hosts.Count];
        for (var i = 0; i < result.Length; i++)
        {
            using var client = replicas.Hosts[i].CreateClient();
            var lines = (await client.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("secrets_decisions_total{", StringComparison.Ordinal)).ToList();
            double Sum(string effect) => lines.Where(l => l.Contains($"effect=\"{effect}\"", StringComparison.Ordinal))
                .Sum(l => double.Parse(l.Split(' ')[^1], CultureInfo.InvariantCulture));
            result[i] = (Sum("permit"), Sum("deny"));
        }
        return result;
    }
}
