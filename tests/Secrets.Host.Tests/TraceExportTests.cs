using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Secrets.Host.Tests;

/// <summary>
/// Spans leave the process only for an OTLP collector (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); without one
/// none are recorded, and the audit trail still carries each request's trace id.
/// </summary>
public sealed class TraceExportTests : IDisposable
{
    private readonly WireMockServer collector = ScriptedHttp.Start();

    public TraceExportTests() =>
        collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    public void Dispose() => collector.Dispose();

    [Fact]
    public async Task With_a_collector_the_request_span_and_the_PEP_span_are_exported_with_the_callers_trace_id_and_no_value()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        var client = host.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var exported = await ExportedTracesAsync(body => Contains(body, TraceIdBytes(traceId)) && Contains(body, "pep.authorize"u8));
        Contains(exported, "/api/secrets/value"u8).ShouldBeTrue();
        Contains(exported, "dev-api-key"u8).ShouldBeFalse();   // the value read never reaches a span
    }

    [Fact]
    public async Task One_value_read_exports_its_PEP_PDP_and_provider_spans_under_the_trace_id_of_its_audit_event()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY");
        request.Headers.Add("X-Correlation-ID", "spans-1");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var audited = (await AuditProbe.EventsAsync(client, "correlation_id=spans-1")).ShouldHaveSingleItem();
        var traceId = ActivityTraceId.CreateFromString(audited["trace_id"]!.GetValue<string>());
        var batches = new List<byte[]>();
        foreach (var span in new[] { "pep.authorize"u8.ToArray(), "pdp.evaluate"u8.ToArray(), "provider.read"u8.ToArray() })
            batches.Add(await ExportedTracesAsync(body => Contains(body, TraceIdBytes(traceId)) && Contains(body, span)));   // spans may leave in different batches
        foreach (var batch in batches)
            Contains(batch, "dev-api-key"u8).ShouldBeFalse();
    }

    [Fact]
    public async Task With_a_collector_log_lines_go_there_too_with_the_correlation_id_and_no_value()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "test",
            ["AUDIT_LOG"] = "all",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY");
        request.Headers.Add("X-Correlation-ID", "logs-otlp-1");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var exported = await ExportedAsync("/v1/logs", body => Contains(body, "logs-otlp-1"u8));
        Contains(exported, "secrets-platform"u8).ShouldBeTrue();
        Contains(exported, "dev-api-key"u8).ShouldBeFalse();
    }

    [Fact]
    public async Task Without_a_collector_no_span_is_recorded_and_audit_records_still_carry_the_trace_id()
    {
        using var host = new SecretsHostFactory();
        var client = host.CreateClient();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("X-Correlation-ID", "trace-off-1");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        host.Services.GetService<TracerProvider>().ShouldBeNull();
        var audited = (await AuditProbe.EventsAsync(client, "correlation_id=trace-off-1")).ShouldHaveSingleItem();
        audited["trace_id"]!.GetValue<string>().ShouldBe(traceId);
    }

    private Task<byte[]> ExportedTracesAsync(Func<byte[], bool> wanted) => ExportedAsync("/v1/traces", wanted);

    private async Task<byte[]> ExportedAsync(string path, Func<byte[], bool> wanted)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var match = collector.LogEntries
                .Where(e => e.RequestMessage.Path == path && e.RequestMessage.BodyAsBytes is not null)
                .Select(e => e.RequestMessage.BodyAsBytes!)
                .FirstOrDefault(wanted);
            if (match is not null)
                return match;
            await Task.Delay(100);
        }
        throw new ShouldAssertException($"no batch to {path} as wanted reached the collector; paths seen: "
            + string.Join(", ", collector.LogEntries.Select(e => e.RequestMessage.Path)));
    }

    private static byte[] TraceIdBytes(ActivityTraceId id)
    {
        var bytes = new byte[16];
        id.CopyTo(bytes);
        return bytes;
    }

    private static bool Contains(byte[] body, ReadOnlySpan<byte> part) => body.AsSpan().IndexOf(part) >= 0;
}
