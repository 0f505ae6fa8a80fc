using System.Text.Json.Nodes;
using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The KV v2 table (kv2-cases.yaml) run through the provider's client: for every case whose request the client sends
/// itself (<see cref="Kv2ClientCall"/>), on a fresh mount, the case's <c>given</c> requests go over raw HTTP, the
/// request under test goes through <see cref="Kv2Store"/>'s <c>Kv2HttpClient</c>, and then
/// <list type="bullet">
/// <item>what the client made of the answer (a value, nothing, a deleted version, CAS_MISMATCH, CAS_REQUIRED,
/// PROVIDER_ERROR…) is what the table's expected status and error text mean for it;</item>
/// <item>every expected member the client decodes (data, versions, times, custom metadata, keys) it decoded as the
/// table says, with the table's matchers;</item>
/// <item>the case's follow-ups (raw reads of what is stored) still hold: the client's request did what the table's did.</item>
/// </list>
/// Each server's class provides only the server.
/// </summary>
public abstract class Kv2ClientConformance
{
    /// <summary>The cases whose request the client sends, by id.</summary>
    public static IEnumerable<object[]> ClientCases =>
        Kv2Cases.All.Where(c => Kv2ClientCall.From(c.Request) is not null).Select(c => new object[] { c.Id });

    private protected abstract Kv2ContractServer Server { get; }

    [ContractTheory]
    [MemberData(nameof(ClientCases), MemberType = typeof(Kv2ClientConformance))]
    public async Task The_client_reads_the_answer_as_the_table_says_and_its_request_does_what_the_table_does(string id)
    {
        var kvCase = Kv2Cases.ById(id);
        var call = Kv2ClientCall.From(kvCase.Request)!;
        var runner = Server.Runner;
        var mount = await runner.EnableMountAsync();
        try
        {
            var (givenFailures, given) = await runner.RunGivenAsync(kvCase, mount);
            givenFailures.ShouldBeEmpty(string.Join("\n", givenFailures));

            var sentAt = DateTimeOffset.UtcNow;
            var outcome = await call.SendAsync(Server.Client, mount, CancellationToken.None);
            var expect = Kv2CaseRunner.OnMount(kvCase.Request.Expect!, mount);

            var failures = new List<string>();
            var wanted = call.ExpectedKind(expect);
            if (outcome.Kind != wanted)
                failures.Add($"{call.Operation}: the client made {outcome.Kind} of it, the table means {wanted}");
            failures.AddRange(CheckDecoded(expect, outcome, sentAt, given));
            failures.AddRange(await runner.CheckThenAsync(kvCase, mount, given));

            failures.ShouldBeEmpty(string.Join("\n", failures));
        }
        finally
        {
            await runner.DisableMountAsync(mount);
        }
    }

    /// <summary>Each expected member below <c>data</c> that the client's own model has, checked on what the client decoded.</summary>
    private static List<string> CheckDecoded(JsonObject expect, Kv2ClientOutcome outcome, DateTimeOffset sentAt, IReadOnlyList<Kv2Reply> given)
    {
        var failures = new List<string>();
        if (outcome.Body is null)
            return failures;
        var reply = new Kv2Reply(200, "application/json", outcome.Body.ToJsonString(), outcome.Body, sentAt);
        foreach (var (key, expected) in expect)
        {
            if (!key.StartsWith("data", StringComparison.Ordinal) || Kv2ClientCall.IsAbsence(expected)
                || !Kv2JsonPath.TryResolve(outcome.Body, Kv2JsonPath.Parse(key), out _))
            {
                continue;   // not in the client's model (request_id, warnings, config fields…), or absence, which it cannot tell from null
            }
            foreach (var failure in Kv2Expectations.Check(new JsonObject { [key] = expected?.DeepClone() }, reply, given))
                failures.Add($"decoded {failure} — the client decoded {outcome.Body.ToJsonString()}");
        }
        return failures;
    }
}
