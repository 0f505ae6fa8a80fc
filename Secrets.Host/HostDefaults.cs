using System.Text.Json;
using System.Text.Json.Serialization;
using FastEndpoints;
using FastEndpoints.Swagger;
using FluentValidation.Results;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Secrets.Shared.Kernel;
using Serilog;
using Serilog.Formatting.Compact;

namespace Secrets.Host;

/// <summary>Everything the host adds around the modules: profile, tenant, logs, telemetry, errors, limits, health, docs.</summary>
internal static class HostDefaults
{
    /// <summary>The service name in spans, metrics and OTLP logs.</summary>
    public const string ServiceName = "secrets-platform";

    public const string DefaultUrl = "http://localhost:9100";
    public const string DefaultTlsUrl = "https://localhost:9100";

    public static WebApplicationBuilder AddHostDefaults(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (string.IsNullOrWhiteSpace(config["urls"]) && string.IsNullOrWhiteSpace(config["ASPNETCORE_URLS"])
            && string.IsNullOrWhiteSpace(config["http_ports"]) && string.IsNullOrWhiteSpace(config["https_ports"]))
            builder.WebHost.UseUrls(Tls.Configured(config) ? DefaultTlsUrl : DefaultUrl);
        builder.AddTls();

        var (profile, tenant) = HostProfile.Resolve(config);
        builder.Services.AddSingleton(tenant);
        builder.Services.AddSingleton(new RequestLogging(Settings.Bool(config["LOG_REQUESTS"], "LOG_REQUESTS", false)));
        builder.Services.AddSingleton<TenantGuard>();
        builder.Services.AddSingleton(TimeProvider.System);
        var limits = new HostLimits(Settings.Int(config["MAX_REQUEST_BODY_BYTES"], "MAX_REQUEST_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
            Settings.Long(config["BACKUP_MAX_BYTES"], "BACKUP_MAX_BYTES", HostLimits.DefaultMaxArchiveBytes, 1024 * 1024, 64L * 1024 * 1024 * 1024));
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        builder.AddRateLimits();

        var json = JsonLogs(config["LOG_FORMAT"], profile);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<Serilog.Core.ILogEventEnricher, CorrelationIdEnricher>();   // picked up by ReadFrom.Services
        builder.Services.AddSerilog((services, log) =>
        {
            log.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                // ASP.NET Core opens a logging scope for every request while this category is on: two context
                // changes per request that no line of ours uses (the correlation id comes from the request)
                .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", Serilog.Events.LevelAlias.Off)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Serilog.Events.LogEventLevel.Information)
                .MinimumLevel.Override("MassTransit", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", Serilog.Events.LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.With<RedactingEnricher>()
                .Destructure.With<SecretDestructuringPolicy>()
                .ReadFrom.Services(services);
            // the console sink formats and flushes under one lock: write from a background worker
            // (blocking when its buffer is full, so no audit line is ever dropped); see docs/BENCHMARKS.md
            log.WriteTo.Async(sink =>
            {
                if (json)
                    sink.Console(new RenderedCompactJsonFormatter());
                else
                    sink.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {CorrelationId}{NewLine}");
            }, blockWhenFull: true);
            // with a collector, log lines go there too (OTLP logs, with the trace and span ids of their request),
            // read from the same OTEL_* settings as spans and metrics (docs/AUDIT.md#logs)
            if (!string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                log.WriteTo.OpenTelemetry(o => o.ResourceAttributes["service.name"] = ServiceName, key => config[key]);
        }, preserveStaticLogger: true);   // each host (and each test host) keeps its own logger

        // Metrics are always served at /metrics. Spans cost a request a good share of its time, so they are
        // recorded only when something receives them: an OTLP collector at OTEL_EXPORTER_OTLP_ENDPOINT
        // (docs/AUDIT.md#traces). Without one, ASP.NET Core still gives each request an activity, so audit
        // records carry its trace and span ids.
        var otlp = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithMetrics(m =>
            {
                m.AddMeter(Telemetry.Name).AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp)
                    m.AddOtlpExporter();
            });
        if (otlp)
            telemetry.WithTracing(t => t.AddSource(Telemetry.Name).AddAspNetCoreInstrumentation().AddOtlpExporter());
        RequestActivities.Listen();
        builder.Services.AddHealthChecks();

        if (tenant.SaltGenerated)
            builder.Services.AddHostedService<GeneratedSaltWarning>();
        return builder;
    }

    /// <summary><c>LOG_FORMAT</c>: <c>text</c> (any case) or JSON lines; unset or empty, text in dev and JSON elsewhere.</summary>
    internal static bool JsonLogs(string? configured, DeploymentProfile profile) =>
        string.IsNullOrWhiteSpace(configured)
            ? profile != DeploymentProfile.Dev
            : !string.Equals(configured.Trim(), "text", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.SwaggerDocument(o =>
        {
            o.DocumentSettings = s =>
            {
                s.Title = "Secrets Platform API";
                s.Version = "v1";
                s.DocumentName = "v1";
            };
            o.ShortSchemaNames = true;
            o.EnableJWTBearerAuth = false;
        });
        return builder;
    }

    public static WebApplication UseHostDefaults(this WebApplication app)
    {
        // LOG_REQUESTS=true: one line per request, outermost, so it logs the status the caller finally got,
        // through this host's logger (not the static one). Off by default: the audit trail records every use.
        if (app.Services.GetRequiredService<RequestLogging>().Enabled)
            app.UseSerilogRequestLogging(o => o.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
        app.UseMiddleware<RequestPipeline>();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var code = ErrorCode.ForStatus(http.Response.StatusCode);
            await ProblemBody.WriteAsync(http, ProblemBody.For(code, http.TraceIdentifier) with { Status = http.Response.StatusCode });
        });
        return app;
    }

    public static WebApplication UseSecretsEndpoints(this WebApplication app)
    {
        app.UseFastEndpoints(c =>
        {
            c.Endpoints.Configurator = ep => ep.AllowAnonymous();   // the caller is authenticated by UseGrantsModule; scopes and policy by the PEP
            // validators, binders and mappers made at start: the first request does not pay for them, and they are made from
            // this host's services (FastEndpoints resolves them through one process-wide resolver, the last host started)
            c.Endpoints.Warmup();
            c.Serializer.Options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            c.Serializer.Options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            c.Serializer.Options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // the JSON path may hold a client-chosen property name: never echo it
            c.Binding.JsonExceptionTransformer = _ => new ValidationFailure("body", "invalid JSON, an unknown field, or a field of the wrong type");
            c.Errors.ContentType = ProblemBody.ContentType;
            c.Errors.ResponseBuilder = (failures, http, _) => ProblemBody.ForValidation(failures, http.TraceIdentifier);
        });
        return app;
    }

    public static WebApplication MapHostEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        // the OpenAPI document and its UI only under /swagger: their middleware need not look at every request
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase), swagger => swagger.UseSwaggerGen());
        app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/swagger/{documentName}/swagger.json"));
        return app;
    }
}
