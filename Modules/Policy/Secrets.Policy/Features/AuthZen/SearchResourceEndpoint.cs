using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Embedded;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// POST /access/v1/search/resource (AuthZEN 1.0 §8.5): the secrets the subject may use for the action, as the resource
/// patterns of the permitting rules (<see cref="PolicySearch.Resources"/>): exact canonical URIs, and terminal
/// <c>/*</c> prefixes, each a listing the rules permit. <c>context.exact</c> says whether each pattern also permits
/// every secret below it (<see cref="AuthZenResourceSearchContext"/>). The resource's id is ignored; its properties
/// (tenant, attributes) apply to every candidate. The subject needs its id.
/// </summary>
internal sealed class SearchResourceEndpoint : EndpointWithoutRequest
{
    public const string Route = "/access/v1/search/resource";

    public const string InexactReason = "a deny rule or a condition narrows a pattern: evaluate the resources below it one by one";

    public override void Configure()
    {
        Post(Route);
        Summary(s => s.Summary = "AuthZEN Resource Search: the resource patterns the embedded PDP permits the subject for the action");
        Description(AuthZenServing.Describe<AuthZenSearchRequest, AuthZenResourceSearchResponse>);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        using var body = await AuthZenServing.ReadAsync(HttpContext, ct);
        var request = body.RootElement;
        var subject = AuthZenReader.Subject(AuthZenReader.Member(request, "subject"));
        var action = AuthZenReader.Action(AuthZenReader.Member(request, "action"));
        var resource = AuthZenReader.Resource(AuthZenReader.Member(request, "resource"), withId: false);
        var context = AuthZenReader.Context(AuthZenReader.Member(request, "context"));
        var attributes = AuthZenMapping.AttributesFrom(resource.Properties?.ResourceAttributes);
        var paging = HttpContext.RequestServices.GetRequiredService<SearchPaging>();
        var window = paging.Open(AuthZenSearchKind.Resource, request);

        IReadOnlyList<string> patterns = [];   // a type or action this PDP has no policies for: nothing
        var exact = true;
        if (AuthZenMapping.SubjectFrom(subject, subject.Id!) is { } policySubject && resource.Type == AuthZenMapping.SecretType
            && AuthZenMapping.IsAction(action.Name))
        {
            var policies = HttpContext.RequestServices.GetRequiredService<EmbeddedPdp>().Policies.Current;
            var policyContext = AuthZenMapping.ContextFrom(context);
            patterns = PolicySearch.Resources(policies, policySubject, action.Name!, resource.Properties?.TenantId, attributes, policyContext);
            exact = PolicySearch.Permitted(policies, policySubject, action.Name!, resource.Properties?.TenantId, policyContext, null) is not null;
        }
        var (results, page) = paging.Cut(window, patterns);
        var answer = new AuthZenResourceSearchResponse(page, new AuthZenResourceSearchContext(exact, exact ? null : InexactReason),
            results.Select(id => new AuthZenResource(AuthZenMapping.SecretType, id, null)).ToList());
        await Send.ResultAsync(TypedResults.Json(answer, AuthZenJson.Default.AuthZenResourceSearchResponse));
    }
}
