using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.Embedded;

// PLACEHOLDER: replaced by the embedded policy engine.
internal static class PolicySample
{
    public const string FileName = "policies.yaml";

    public static void EnsureExists(string path)
    {
    }
}

internal sealed class EmbeddedPdp : IPolicyDecisionPoint
{
    public Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct) =>
        throw new NotSupportedException();
}

internal static class EmbeddedPdpRegistration
{
    public static IServiceCollection AddEmbeddedPdp(this IServiceCollection services, string policyPath) =>
        services.AddSingleton<IPolicyDecisionPoint, EmbeddedPdp>();
}
