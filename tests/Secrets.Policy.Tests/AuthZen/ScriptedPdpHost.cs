using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Secrets.Policy.Decisions;
using Secrets.Testing;
using Secrets.Testing.Policy;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// The host with a scripted PDP as its decision point (the embedded PDP's place: dev profile, no
/// PDP_URL, so the AuthZEN endpoints are registered as they are for the embedded PDP).
/// </summary>
internal sealed class ScriptedPdpHost(ScriptedPdp<PolicyRequest> pdp, IDictionary<string, string?>? settings = null) : SecretsHostFactory(settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IPolicyDecisionPoint>();
            services.AddSingleton<IPolicyDecisionPoint>(new ScriptedDecisionPoint(pdp));
        });
    }
}
