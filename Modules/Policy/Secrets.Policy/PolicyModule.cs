using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Policy.Features.EvaluateAccess;
using Secrets.Policy.Features.SearchPermittedResources;
using Secrets.Shared.Kernel;

namespace Secrets.Policy;

/// <summary>
/// The Policy module: the PDP (docs/AUTHORIZATION.md). With <c>PDP_URL</c> it asks an external AuthZEN server;
/// otherwise it evaluates the YAML policies of <c>POLICY_PATH</c> (in dev, the shipped sample written
/// to <c>policies.yaml</c>), hot-reloaded, and serves them over AuthZEN to other services too.
/// </summary>
public static class PolicyModule
{
    public static Assembly Assembly => typeof(PolicyModule).Assembly;

    public static IHostApplicationBuilder AddPolicyModule(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        var enforce = DeploymentProfiles.EnforcesAuthorization(profile, config["ENABLE_AUTHORIZATION"]);
        var pdpUrl = config["PDP_URL"];
        var policyPath = config["POLICY_PATH"];
        if (!string.IsNullOrWhiteSpace(pdpUrl))
        {
            builder.Services.AddAuthZenClient(AuthZenOptions.From(config));
        }
        else if (!string.IsNullOrWhiteSpace(policyPath) || profile == DeploymentProfile.Dev)
        {
            if (string.IsNullOrWhiteSpace(policyPath))
            {
                policyPath = Path.Combine(builder.Environment.ContentRootPath, PolicySample.FileName);
                PolicySample.EnsureExists(policyPath);
            }
            builder.Services.AddEmbeddedPdp(policyPath);
            builder.Services.AddSingleton(Features.AuthZen.AuthZenEndpointsOptions.From(config, profile));   // its own AuthZEN endpoints
            builder.Services.AddSingleton<Features.AuthZen.SearchPaging>();
        }
        else if (enforce)
        {
            throw new InvalidOperationException("ENABLE_AUTHORIZATION=true needs a policy decision point: set POLICY_PATH (embedded policies) or PDP_URL (AuthZEN)");
        }
        else
        {
            builder.Services.AddSingleton<IPolicyDecisionPoint, UnconfiguredPdp>();
        }
        return builder;
    }

    public static void AddPolicyHandlers(this IMediatorRegistrationConfigurator cfg)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        cfg.AddConsumer<EvaluateAccessHandler>();
        cfg.AddConsumer<SearchPermittedResourcesHandler>();
    }
}
