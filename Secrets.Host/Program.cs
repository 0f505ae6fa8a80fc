using FastEndpoints;
using MassTransit;
using Secrets.Audit;
using Secrets.Grants;
using Secrets.Host;
using Secrets.Policy;
using Secrets.Providers;
using Secrets.Providers.DevServer;
using Secrets.Rotation;

// verify-audit, hash-uri, backup and restore run as commands and never start the server (docs/AUDIT.md#tamper-evidence, docs/BACKUP.md#host-commands)
if (HostCommands.IsCommand(args))
    return await HostCommands.RunAsync(args, Console.Out, Console.Error);

// A start the profile refuses (a missing or unsafe setting) is not a crash: its reason on stderr and exit 78 (EX_CONFIG),
// which a service manager can be told not to retry (docs/deploy.md#systemd). Under a test host the exception reaches the test.
AppDomain.CurrentDomain.UnhandledException += (_, e) => StartupRefusal.Exit(e.ExceptionObject);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = HostProfile.EnvironmentName(args) });
builder.AddHostDefaults();    // profile guards, tenant, Serilog with redaction, OpenTelemetry, problem details, limits
// The embedded dev KVv2 server is its own project: Providers adds it through this hook only when a KVv2 provider
// asks for it (dev and test), and knows it only as IInProcessKv2Server.
builder.AddProvidersModule(addInProcessKv2Server: b => b.AddEmbeddedKv2Server())
    .AddPolicyModule().AddGrantsModule().AddAuditModule().AddRotationModule();

// The module bus for questions off the request path (the PDP question on a grant miss). The two calls
// every request makes, authorise and audit, are direct calls on contract interfaces (docs/ARCHITECTURE.md).
builder.Services.AddMediator(cfg => cfg.AddPolicyHandlers());
builder.Services.AddFastEndpoints(o =>
{
    o.DisableAutoDiscovery = true;
    o.Assemblies = [ProvidersModule.Assembly, RotationModule.Assembly, AuditModule.Assembly, PolicyModule.Assembly];
});
builder.AddApiDocument();

var app = builder.Build();
app.UseHostDefaults();        // correlation id, SecretsProblem → problem+json with code, body limits
app.UseGrantsModule();        // authentication, DPoP/mTLS binding, anti-replay: sets the caller
app.UseRateLimits();          // per client id (or remote address), after the caller is known
app.UseAuditModule();         // one audit record per outcome of every request to a secret endpoint
app.UseSecretsEndpoints();    // FastEndpoints with the central error and serializer settings
app.MapHostEndpoints();       // /health/live, /health/ready, /metrics, OpenAPI and the reference page
app.Run();
return 0;

public partial class Program;
