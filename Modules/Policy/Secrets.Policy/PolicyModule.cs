using System.Reflection;
using Microsoft.Extensions.Hosting;
using Secrets.Shared.Kernel;

namespace Secrets.Policy;

/// <summary>
/// The Policy module (PDP). This release ships the authorization-off mode only: the PEP permits
/// with default obligations and never asks the PDP, so asking for enforcement must fail loudly
/// rather than silently permit.
/// </summary>
public static class PolicyModule
{
    public static Assembly Assembly => typeof(PolicyModule).Assembly;

    public static IHostApplicationBuilder AddPolicyModule(this IHostApplicationBuilder builder)
    {
        if (Settings.Bool(builder.Configuration["ENABLE_AUTHORIZATION"], "ENABLE_AUTHORIZATION", false))
            throw new InvalidOperationException("ENABLE_AUTHORIZATION=true needs a policy decision point, which this release does not include yet; unset it");
        return builder;
    }
}
