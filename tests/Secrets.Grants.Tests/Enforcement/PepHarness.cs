using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Grants.State;
using Secrets.Policy.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>
/// The Grants module as the host composes it (its own registration and mediator handlers), with the
/// two modules it asks, Policy and Providers, replaced by scripted mediator consumers, a fake clock,
/// and every published audit record captured.
/// </summary>
internal sealed class PepHarness : IAsyncDisposable
{
    private readonly IHost host;

    public PepHarness(Dictionary<string, string?>? settings = null, Func<IServiceProvider, IGrantState>? state = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var config = new Dictionary<string, string?> { ["ENVIRONMENT"] = "test", ["TENANT_ID"] = "t1" };
        foreach (var (key, value) in settings ?? [])
            config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton(new TenantContext(builder.Configuration["TENANT_ID"]!, ["secret"], "salt"));
        builder.AddGrantsModule();
        if (state is not null)
            builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(Pdp);
        builder.Services.AddSingleton(Attributes);
        builder.Services.AddSingleton(Audits);
        builder.Services.AddMediator(cfg =>
        {
            cfg.AddGrantsHandlers();
            cfg.AddConsumer<ScriptedPdpConsumer>();
            cfg.AddConsumer<ScriptedAttributesConsumer>();
            cfg.AddConsumer<AuditCaptureConsumer>();
        });
        host = builder.Build();
        Mediator = host.Services.GetRequiredService<IMediator>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public ScriptedPdp Pdp { get; } = new();
    public ScriptedAttributes Attributes { get; } = new();
    public AuditCapture Audits { get; } = new();
    public IMediator Mediator { get; }
    public IServiceProvider Services => host.Services;

    public static CanonicalSecretUri Uri(string raw) => CanonicalSecretUri.Parse(raw);

    /// <summary>A caller with a token of its own (a fresh <c>jti</c>), as a client presents a new token per request.</summary>
    public static Caller Caller(string subject = "alice", SenderBinding? binding = null, string? tokenId = null) =>
        new(subject, "app", "https://issuer.test", tokenId ?? "jti-" + Guid.NewGuid().ToString("N"), binding, "corr-1");

    public Task<AccessDecision> AuthorizeAsync(string uri, Purpose purpose = Purpose.Execute, Caller? caller = null) =>
        Mediator.SendRequest(new AuthorizeSecretUse(Uri(uri), purpose, caller ?? Caller()));

    public Task<AccessDecisions> AuthorizeAllAsync(Caller? caller, params SecretUse[] uses) =>
        Mediator.SendRequest(new AuthorizeSecretUses(uses, caller ?? Caller()));

    public async ValueTask DisposeAsync()
    {
        if (host is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        else
            host.Dispose();
    }
}

/// <summary>The PDP as a script: each question is answered by <see cref="Decide"/>; every call and question is recorded.</summary>
internal sealed class ScriptedPdp
{
    private int questions;
    private int calls;

    public Func<AccessQuestion, Caller, AccessVerdict> Decide { get; set; } = (_, _) => new AccessVerdict(true, null, null, null, null, null);
    public bool Unavailable { get; set; }
    public ConcurrentQueue<EvaluateAccess> Requests { get; } = new();
    public int Questions => Volatile.Read(ref questions);
    public int Calls => Volatile.Read(ref calls);

    public AccessVerdicts Answer(EvaluateAccess request)
    {
        Interlocked.Increment(ref calls);
        Interlocked.Add(ref questions, request.Questions.Count);
        Requests.Enqueue(request);
        if (Unavailable)
            return new AccessVerdicts(request.Questions.Select(_ => AccessVerdict.Deny("down")).ToArray(), Unavailable: true);
        return new AccessVerdicts(request.Questions.Select(q => Decide(q, request.Caller)).ToArray());
    }

    /// <summary>Permits the first question with these obligations, denies every later one.</summary>
    public void PermitOnceThenDeny(int maxUses)
    {
        var permitted = 0;
        Decide = (_, _) => Interlocked.Exchange(ref permitted, 1) == 0
            ? new AccessVerdict(true, "dec_first", null, maxUses, null, "first")
            : AccessVerdict.Deny("later");
    }
}

internal sealed class ScriptedAttributes
{
    public Func<CanonicalSecretUri, ResourceAttributesRead> Read { get; set; } = _ => new ResourceAttributesRead(ResourceAttributes.None);
}

internal sealed class AuditCapture
{
    public ConcurrentQueue<AuditRecord> Records { get; } = new();
}

internal sealed class ScriptedPdpConsumer(ScriptedPdp pdp) : MediatorRequestHandler<EvaluateAccess, AccessVerdicts>
{
    protected override Task<AccessVerdicts> Handle(EvaluateAccess request, CancellationToken ct) => Task.FromResult(pdp.Answer(request));
}

internal sealed class ScriptedAttributesConsumer(ScriptedAttributes attributes) : MediatorRequestHandler<ReadResourceAttributes, ResourceAttributesRead>
{
    protected override Task<ResourceAttributesRead> Handle(ReadResourceAttributes request, CancellationToken ct) => Task.FromResult(attributes.Read(request.Uri));
}

internal sealed class AuditCaptureConsumer(AuditCapture capture) : IConsumer<AuditRecord>
{
    public Task Consume(ConsumeContext<AuditRecord> context)
    {
        capture.Records.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}
