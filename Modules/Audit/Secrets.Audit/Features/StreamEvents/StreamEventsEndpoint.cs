using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Log;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Features.StreamEvents;

/// <summary>
/// GET /api/secrets/events: a Server-Sent Events stream of audit events as they happen (no values;
/// dev helper). Each event: <c>id</c> = its <c>seq</c>, <c>event</c> = event type, <c>data</c> = the CloudEvent
/// (docs/audit-events.md), checkpoints included.
/// A comment line every 15 s keeps proxies from closing an idle stream.
/// </summary>
internal sealed class StreamEventsEndpoint(AuditLog log, AuditOptions options, TokenRequirements token) : EndpointWithoutRequest
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public override void Configure()
    {
        Get("/api/secrets/events");
        Summary(s => s.Summary = "Server-Sent Events stream of secret events (dev; off in prod)");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (!options.DevEndpoints)
            throw new SecretsProblem(ErrorCode.NotFound);
        token.DemandScope(HttpContext.Features.Get<Caller>() ?? Caller.Anonymous(HttpContext.TraceIdentifier), SecretScopes.ReadMetadata);
        var reader = log.Subscribe(ct);
        HttpContext.Response.StatusCode = StatusCodes.Status200OK;
        HttpContext.Response.ContentType = "text/event-stream";
        HttpContext.Response.Headers.CacheControl = "no-cache";
        await HttpContext.Response.WriteAsync(": connected\n\n", ct);
        await HttpContext.Response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(Heartbeat);
                try
                {
                    var e = await reader.ReadAsync(wait.Token);
                    await HttpContext.Response.WriteAsync($"id: {e.Id}\nevent: {e.EventType}\ndata: ", ct);
                    await HttpContext.Response.Body.WriteAsync(e.Json, ct);
                    await HttpContext.Response.WriteAsync("\n\n", ct);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await HttpContext.Response.WriteAsync(": keep-alive\n\n", ct);
                }
                await HttpContext.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // unsubscribed
        }
    }
}
