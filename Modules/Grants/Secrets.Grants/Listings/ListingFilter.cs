using MassTransit;
using MassTransit.Mediator;
using Secrets.Grants.Enforcement;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Listings;

/// <summary>
/// Which entries of a listing the caller may see (docs/AUTHORIZATION.md#filtered-listings): the PDP's resource search
/// when it can answer for the listing's prefix (one question), batched evaluations of the names otherwise
/// (<see cref="GrantOptions.FilterBatchSize"/> a call, <see cref="ResourceAttributes.Unknown"/>). Spends no grant use and
/// caches nothing; a PDP that cannot answer refuses the listing, never shows it unfiltered.
/// </summary>
internal sealed class ListingFilter(IMediator mediator, GrantOptions options)
{
    public async Task<IReadOnlyList<bool>> FilterAsync(
        CanonicalSecretUri listing, IReadOnlyList<CanonicalSecretUri> candidates, Purpose purpose, Caller caller, CancellationToken ct)
    {
        using var activity = Telemetry.Source.StartActivity("pep.filter");
        var visible = new bool[candidates.Count];
        if (candidates.Count == 0)
            return visible;
        var found = await mediator.SendRequest(new SearchPermittedResources(caller, purpose, listing.ToString()), ct);
        if (found.Unavailable)
            throw PdpUnavailable.Problem();
        activity?.SetTag("secrets.filter", found.Supported ? "search" : "evaluations");
        if (found.Supported)
        {
            var permitted = new PermittedSet(found.Resources);
            for (var i = 0; i < candidates.Count; i++)
                visible[i] = permitted.Permits(candidates[i]);
            return visible;
        }
        for (var start = 0; start < candidates.Count; start += options.FilterBatchSize)
        {
            var count = Math.Min(options.FilterBatchSize, candidates.Count - start);
            var questions = new AccessQuestion[count];
            for (var k = 0; k < count; k++)
                questions[k] = new AccessQuestion(candidates[start + k], purpose, ResourceAttributes.Unknown);
            var verdicts = await mediator.SendRequest(new EvaluateAccess(caller, questions, EvaluationSemantic.ExecuteAll), ct);
            if (verdicts.Unavailable)
                throw PdpUnavailable.Problem();
            for (var k = 0; k < count; k++)
                visible[start + k] = verdicts.Verdicts.ElementAtOrDefault(k) is { Decision: true };
        }
        return visible;
    }
}
