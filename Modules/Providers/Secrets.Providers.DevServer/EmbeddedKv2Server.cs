using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Secrets.Providers.Contracts;

namespace Secrets.Providers.DevServer;

/// <summary>
/// An in-memory server that answers OpenBao's HTTP API for the KV version 2 secrets engine the way
/// <c>bao server -dev</c> does, field for field (docs/PROVIDERS.md#embedded-dev-kvv2-server,
/// docs/CONFORMANCE.md), so the real KVv2 client code path and third-party clients run against it
/// unchanged. It has one root token, a KVv2 mount <c>secret/</c>, its own Kestrel bound to loopback
/// only, and no persistence.
/// </summary>
/// <remarks>
/// Besides every KV v2 path (<c>config</c>, <c>data/</c>, <c>metadata/</c>, <c>detailed-metadata/</c>,
/// <c>subkeys/</c>, <c>delete/</c>, <c>undelete/</c>, <c>destroy/</c>; LIST and SCAN) it serves
/// <c>sys/health</c>, <c>auth/token/lookup-self</c>, <c>sys/mounts</c> (enabling and disabling KVv2 engines
/// only) and the CLI's mount preflight <c>sys/internal/ui/mounts/…</c>. Data belongs to the instance:
/// stopping closes the listener, starting again serves the same secrets.
/// </remarks>
internal sealed class EmbeddedKv2Server : IHostedService, IInProcessKv2Server, IAsyncDisposable
{
    /// <summary>OpenBao's default <c>max_request_size</c>.</summary>
    private const long MaxRequestBytes = 32 * 1024 * 1024;

    private readonly IPEndPoint endpoint;
    private readonly DevVault vault;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private WebApplication? app;
    private Uri? baseAddress;

    public EmbeddedKv2Server(EmbeddedKv2Options options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrEmpty(options.RootToken))
            throw new ArgumentException("The embedded KVv2 dev server needs a non-empty root token.", nameof(options));
        endpoint = options.ResolveLoopbackEndpoint();
        Options = options;
        vault = new DevVault(options.RootToken, time);
    }

    public EmbeddedKv2Options Options { get; }

    /// <summary>The token every request (but <c>sys/health</c>) must carry in <c>X-Vault-Token</c>.</summary>
    public string RootToken => Options.RootToken;

    public bool IsRunning => Volatile.Read(ref app) is not null;

    /// <summary>
    /// The address actually bound, e.g. <c>http://127.0.0.1:41873/</c> when the options asked for
    /// port 0. Only known while the server runs.
    /// </summary>
    public Uri BaseAddress => Volatile.Read(ref baseAddress)
        ?? throw new InvalidOperationException("The embedded KVv2 dev server is not running; call StartAsync first.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (app is not null)
                return;
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(EmbeddedKv2Server).Assembly.GetName().Name,
            });
            builder.Services.AddSingleton<IHostLifetime, HostOwnedLifetime>();   // the outer host handles Ctrl+C, not us
            Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? listening = null;
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
                kestrel.Listen(endpoint, options => listening = options);
            });
            var started = builder.Build();
            started.Run(HandleAsync);
            try
            {
                await started.StartAsync(cancellationToken);
            }
            catch
            {
                await started.DisposeAsync();
                throw;
            }
            // Kestrel writes the port it bound (port 0 = a free one) back into the listen options
            var bound = listening?.IPEndPoint ?? throw new InvalidOperationException("the embedded KVv2 server did not bind");
            var host = bound.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
            Volatile.Write(ref baseAddress, new Uri($"http://{host}:{bound.Port}/"));
            Volatile.Write(ref app, started);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) == 1)
            return;   // the container may dispose this instance before the host asks hosted services to stop
        await lifecycle.WaitAsync(CancellationToken.None);
        try
        {
            if (app is not { } running)
                return;
            Volatile.Write(ref app, null);
            Volatile.Write(ref baseAddress, null);
            try
            {
                await running.StopAsync(cancellationToken);
            }
            finally
            {
                await running.DisposeAsync();
            }
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Idempotent: the host's container may hold this instance under two registrations.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref disposed) == 1)
            return;
        await StopAsync(CancellationToken.None);
        // The lifecycle semaphore is not disposed: the host may call StopAsync at the same moment as the container
        // disposes (they race at test-host shutdown), and a StopAsync waiting on a disposed semaphore would throw. It
        // holds no wait handle (AvailableWaitHandle is never asked for), so there is nothing to release.
        Interlocked.Exchange(ref disposed, 1);
    }

    private int disposed;

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        DevReply reply;
        try
        {
            reply = await DispatchAsync(context, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            reply = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? DevReply.Error(StatusCodes.Status413PayloadTooLarge, "http: request body too large")
                : DevReply.Error(StatusCodes.Status400BadRequest, "error reading data");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var response = context.Response;
        response.StatusCode = reply.Status;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        if (reply.HasBody && !HttpMethods.IsHead(context.Request.Method))
        {
            var body = reply.Serialize(requestId);
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    /// <summary>
    /// OpenBao's <c>buildLogicalRequest</c> (method → operation, query or JSON body → fields), then the core's rule
    /// that nothing is written to a path ending in <c>/</c>, then the token and the router.
    /// </summary>
    private async Task<DevReply> DispatchAsync(HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = Uri.UnescapeDataString(query < 0 ? target : target[..query]);   // as Go decodes it, %2F too
        if (!rawPath.StartsWith("/v1/", StringComparison.Ordinal))
            return DevReply.Empty(StatusCodes.Status404NotFound);
        var path = rawPath["/v1/".Length..];
        if (path == "sys/health")
            return vault.Health(request.Method, name => First(request.Query, name));

        DevOperation op;
        JsonObject input;
        var fromQuery = true;
        switch (request.Method)
        {
            case "GET":
                input = QueryFields(request.Query);
                var list = false;
                var scan = false;
                if (First(request.Query, "list") is { Length: > 0 } listText && !GoFormat.TryParseBool(listText, out list))
                    return DevReply.Empty(StatusCodes.Status400BadRequest);
                if (First(request.Query, "scan") is { Length: > 0 } scanText && !GoFormat.TryParseBool(scanText, out scan))
                    return DevReply.Empty(StatusCodes.Status400BadRequest);
                if (list && scan)
                    return DevReply.Empty(StatusCodes.Status400BadRequest);
                op = DevOperation.Read;
                if (list)
                {
                    input.Remove("list");   // only a true list leaves the fields; list=false stays, unrecognised
                    op = DevOperation.List;
                }
                else if (scan)
                {
                    input.Remove("scan");
                    op = DevOperation.Scan;
                }
                break;
            case "LIST" or "SCAN" or "DELETE":
                input = QueryFields(request.Query);
                op = request.Method switch
                {
                    "LIST" => DevOperation.List,
                    "SCAN" => DevOperation.Scan,
                    _ => DevOperation.Delete,
                };
                break;
            case "POST" or "PUT":
                var (body, bodyError) = await ReadJsonBodyAsync(request, ct);
                if (bodyError is not null)
                    return bodyError;
                input = body!;
                fromQuery = false;
                op = DevOperation.Update;
                break;
            case "PATCH":
                if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
                    return DevReply.Error(StatusCodes.Status400BadRequest, "mime: no media type");
                if (!mediaType.MediaType.Equals("application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
                {
                    return DevReply.Error(StatusCodes.Status415UnsupportedMediaType,
                        $"PATCH requires Content-Type of application/merge-patch+json, provided {mediaType.MediaType}");
                }
                (body, bodyError) = await ReadJsonBodyAsync(request, ct);
                if (bodyError is not null)
                    return bodyError;
                input = body!;
                fromQuery = false;
                op = DevOperation.Patch;
                break;
            default:
                return DevReply.Empty(StatusCodes.Status405MethodNotAllowed);
        }
        if (op is DevOperation.List or DevOperation.Scan && !path.EndsWith('/'))
            path += "/";
        if (op is DevOperation.Update or DevOperation.Patch && path.EndsWith('/'))
            return DevReply.Error(StatusCodes.Status400BadRequest, "cannot write to a path ending in '/'");

        return vault.Handle(new DevRequest(op, path, input, fromQuery, Token(request)));
    }

    /// <summary><c>X-Vault-Token</c>, or else <c>Authorization: Bearer …</c>, as OpenBao reads it.</summary>
    private static string? Token(HttpRequest request)
    {
        var token = request.Headers["X-Vault-Token"].ToString();
        if (token.Length > 0)
            return token;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    /// <summary>Go's <c>parseQuery</c>: one value as a string, a repeated one as a list of strings; <c>help</c> is not a field.</summary>
    private static JsonObject QueryFields(IQueryCollection query)
    {
        var fields = new JsonObject();
        foreach (var (name, values) in query)
        {
            if (name == "help" || values.Count == 0)
                continue;
            fields[name] = values.Count == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
        }
        return fields;
    }

    private static string? First(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The body as OpenBao reads it (<see cref="GoJson.DecodeBody"/>): an empty body or <c>null</c> is no fields.</summary>
    private static async Task<(JsonObject? Body, DevReply? Error)> ReadJsonBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        return GoJson.DecodeBody(bytes, out var fields) is { } error
            ? (null, DevReply.Error(StatusCodes.Status400BadRequest, error))
            : (fields ?? [], null);
    }

    /// <summary>Start and stop come from the owner; no console or signal handling of its own.</summary>
    private sealed class HostOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
