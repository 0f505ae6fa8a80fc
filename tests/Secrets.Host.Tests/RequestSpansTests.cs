using System.Collections.Concurrent;
using System.Diagnostics;
using Secrets.Testing;
using Secrets.Testing.Audit;

namespace Secrets.Host.Tests;

/// <summary>
/// The spans of one request, captured in-process with an <see cref="ActivityListener"/> on the host's activity sources
/// (docs/AUDIT.md#traces): an authorized read has its PEP, PDP and provider spans in one trace, under the request's
/// span, and that trace is the one its durable audit event names.
/// </summary>
public sealed class RequestSpansTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;
    private readonly string outboxPath = Path.Combine(Path.GetTempPath(), "secrets-tests", "spans-" + Guid.NewGuid().ToString("N"));

    public RequestSpansTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is Secrets.Shared.Kernel.Telemetry.Name or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public void Dispose()
    {
        listener.Dispose();
        if (Directory.Exists(outboxPath))
            Directory.Delete(outboxPath, recursive: true);
    }

    [Fact]
    public async Task One_authorized_value_read_has_PEP_PDP_and_provider_spans_in_the_trace_its_audit_event_names()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",   // the PEP asks the PDP (a first use: no grant yet)
            ["AUDIT_OUTBOX_PATH"] = outboxPath,
        });
        var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY");
        request.Headers.Add(AuditProbe.CorrelationHeader, "spans-listener-1");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var audited = OutboxFiles.Payloads(outboxPath).Select(AuditPayload.Fields)
            .Where(e => e["correlation_id"]?.GetValue<string>() == "spans-listener-1").ShouldHaveSingleItem();
        var traceId = ActivityTraceId.CreateFromString(audited["trace_id"]!.GetValue<string>());
        var spans = await SpansAsync(traceId, "pep.authorize", "pdp.evaluate", "provider.read");
        var requestSpan = spans.Where(s => s.Source.Name == "Microsoft.AspNetCore").ShouldHaveSingleItem();
        var pep = spans.Where(s => s.OperationName == "pep.authorize").ShouldHaveSingleItem();
        var pdp = spans.Where(s => s.OperationName == "pdp.evaluate").ShouldHaveSingleItem();
        var provider = spans.Where(s => s.OperationName == "provider.read").ShouldHaveSingleItem();
        audited["span_id"]!.GetValue<string>().ShouldBe(requestSpan.SpanId.ToHexString());   // the request's span
        pdp.ParentSpanId.ShouldBe(pep.SpanId);                                               // the PDP is asked by the PEP
        Ancestors(pep, spans).ShouldContain(requestSpan);
        Ancestors(provider, spans).ShouldContain(requestSpan);
        Ancestors(provider, spans).ShouldNotContain(pep);                                    // the provider is called after the PEP decided, not inside it
    }

    /// <summary>The stopped spans of <paramref name="traceId"/>, once the request's span and each of <paramref name="names"/> are among them (5 s at most).</summary>
    private async Task<List<Activity>> SpansAsync(ActivityTraceId traceId, params string[] names)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var spans = stopped.Where(a => a.TraceId == traceId).ToList();
            if ((names.All(n => spans.Any(s => s.OperationName == n)) && spans.Any(s => s.Source.Name == "Microsoft.AspNetCore")) || DateTime.UtcNow > until)
                return spans;
            await Task.Delay(20);
        }
    }

    private static List<Activity> Ancestors(Activity span, List<Activity> spans)
    {
        var ancestors = new List<Activity>();
        for (var parent = spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = spans.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
            ancestors.Add(parent);
        return ancestors;
    }
}
