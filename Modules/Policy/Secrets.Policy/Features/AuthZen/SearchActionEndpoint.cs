using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Embedded;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// POST /access/v1/search/action (AuthZEN 1.0 §8.6): the purposes the subject may use the resource for, each asked
/// of the embedded PDP (<see cref="PolicySearch.Actions"/>): exact and complete, in purpose order. Subject and
/// resource both need their ids; an <c>action</c> member, which this request does not have, is ignored.
/// </summary>
internal sealed class SearchActionEndpoint : EndpointWithoutRequest
{
    public const string Route = "/access/v1/search/action";

    public override void Configure()
    {
        Post(Route);
        Summary(s => s.Summary = "AuthZEN Action Search: the purposes the embedded PDP permits the subject on the resource");
        Description(AuthZenServing.Describe<AuthZenSearchRequest, AuthZenActionSearchResponse>);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        using var body = await AuthZenServing.ReadAsync(HttpContext, ct);
        var request = body.RootElement;
        var subject = AuthZenReader.Subject(AuthZenReader.Member(request, "subject"));
        var resource = AuthZenReader.Resource(AuthZenReader.Member(request, "resource"));
        var context = AuthZenReader.Context(AuthZenReader.Member(request, "context"));
        var paging = HttpContext.RequestServices.GetRequiredService<SearchPaging>();
        var window = paging.Open(AuthZenSearchKind.Action, request);

        IReadOnlyList<string> actions = [];   // a type or resource this PDP has no policies for: nothing
        if (AuthZenMapping.SubjectFrom(subject, subject.Id!) is { } policySubject && resource.Type == AuthZenMapping.SecretType
            && AuthZenMapping.ResourceFrom(resource, resource.Id!) is { } policyResource)
        {
            var policies = HttpContext.RequestServices.GetRequiredService<EmbeddedPdp>().Policies.Current;
            actions = PolicySearch.Actions(policies, policySubject, policyResource, AuthZenMapping.ContextFrom(context));
        }
        var (results, page) = paging.Cut(window, actions);
        var answer = new AuthZenActionSearchResponse(page, results.Select(name => new AuthZenAction(name)).ToList());
        await Send.ResultAsync(TypedResults.Json(answer, AuthZenJson.Default.AuthZenActionSearchResponse));
    }
}
