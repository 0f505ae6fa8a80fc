using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Grants.State;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;
using Secrets.Testing.Policy;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>
/// The Grants module as the host composes it, asked as the access pipeline asks it
/// (<see cref="IPolicyEnforcementPoint"/>), with the PDP a script (<see cref="ScriptedPdp{TQuestion}"/>, asked through
/// <see cref="ScriptedPdpConsumer"/>) and its resource search a script too (<see cref="ScriptedResourceSearch"/>), the
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
        builder.Services.AddSingleton(Search);
        builder.Services.AddSingleton<IAuditTrail, NoAuditTrail>();
        builder.Services.AddMediator(cfg =>
        {
            cfg.AddConsumer<ScriptedPdpConsumer>();
            cfg.AddConsumer<ScriptedResourceSearchConsumer>();
        });
        host = builder.Build();
        Pep = host.Services.GetRequiredService<IPolicyEnforcementPoint>();
        reader = (uri, _) => Task.FromResult(Attributes.Read(uri));
    }

    private readonly ResourceAttributesReader reader;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public ScriptedPdp<(AccessQuestion Question, Caller Caller)> Pdp { get; } = new(_ => new AccessVerdict(true, null, null, null, null, null));
    public ScriptedAttributes Attributes { get; } = new();
    public ScriptedResourceSearch Search { get; } = new();
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

    /// <summary>Authentication's trail for replayed proofs; the PEP itself writes none.</summary>
    private sealed class NoAuditTrail : IAuditTrail
    {
        public void Write(AuditRecord record)
        {
        }
    }
}
