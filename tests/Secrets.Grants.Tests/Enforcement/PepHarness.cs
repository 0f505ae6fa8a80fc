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
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>
/// The Grants module as the host composes it, asked as the access pipeline asks it
/// (<see cref="IPolicyEnforcementPoint"/>), with the PDP replaced by a scripted mediator consumer, the
/// provider's attribute read by a script, and a fake clock.
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
        builder.Services.AddSingleton<IAuditTrail, NoAuditTrail>();
        builder.Services.AddMediator(cfg => cfg.AddConsumer<ScriptedPdpConsumer>());
        host = builder.Build();
        Pep = host.Services.GetRequiredService<IPolicyEnforcementPoint>();
        reader = (uri, _) => Task.FromResult(Attributes.Read(uri));
    }

    private readonly ResourceAttributesReader reader;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public ScriptedPdp Pdp { get; } = new();
    public ScriptedAttributes Attributes { get; } = new();
    public IPolicyEnforcementPoint Pep { get; }
    public IServiceProvider Services => host.Services;

    public static CanonicalSecretUri Uri(string raw) => CanonicalSecretUri.Parse(raw);

    /// <summary>A caller with a token of its own (a fresh <c>jti</c>), as a client presents a new token per request.</summary>
    public static Caller Caller(string subject = "alice", SenderBinding? binding = null, string? tokenId = null) =>
        new(subject, "app", "https://issuer.test", tokenId ?? "jti-" + Guid.NewGuid().ToString("N"), binding, "corr-1");

    public async Task<AccessDecision> AuthorizeAsync(string uri, Purpose purpose = Purpose.Execute, Caller? caller = null) =>
        (await Pep.AuthorizeAsync([new SecretUse(Uri(uri), purpose)], caller ?? Caller(), reader, CancellationToken.None)).Decisions[0];

    public Task<AccessDecisions> AuthorizeAllAsync(Caller? caller, params SecretUse[] uses) =>
        Pep.AuthorizeAsync(uses, caller ?? Caller(), reader, CancellationToken.None);

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

/// <summary>The provider's read of owner and creation stamps, as a script (throw a problem to fail it).</summary>
internal sealed class ScriptedAttributes
{
    public Func<CanonicalSecretUri, ResourceAttributes> Read { get; set; } = _ => ResourceAttributes.None;
}

/// <summary>Authentication's trail for replayed proofs; the PEP itself writes none.</summary>
internal sealed class NoAuditTrail : IAuditTrail
{
    public void Write(AuditRecord record)
    {
    }
}

internal sealed class ScriptedPdpConsumer(ScriptedPdp pdp) : MediatorRequestHandler<EvaluateAccess, AccessVerdicts>
{
    protected override Task<AccessVerdicts> Handle(EvaluateAccess request, CancellationToken ct) => Task.FromResult(pdp.Answer(request));
}
