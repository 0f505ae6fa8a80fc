using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

public sealed class DpopRegistrationTests
{
    [Fact]
    public void The_grants_module_provides_the_validator_with_options_from_configuration()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ANTI_REPLAY_TTL_S"] = "120",
            ["DPOP_NONCE_REQUIRED"] = "true",
        });
        builder.Services.AddSingleton(new Secrets.Shared.Kernel.TenantContext("t1", ["secret"], "salt-of-t1"));   // the host provides the tenant
        builder.AddGrantsModule();
        using var services = builder.Services.BuildServiceProvider();

        var validator = services.GetRequiredService<DpopProofValidator>();
        validator.Options.ReplayWindowSeconds.ShouldBe(120);
        validator.Options.NonceRequired.ShouldBeTrue();
        services.GetRequiredService<DpopNonceIssuer>().ShouldBeSameAs(services.GetRequiredService<DpopNonceIssuer>());
    }
}
