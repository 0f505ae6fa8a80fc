using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Embedded;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// POST /access/v1/search/subject (AuthZEN 1.0 §8.4): the subjects of the given type that may perform the action on
/// the resource: those the permitting rules name (<see cref="PolicySearch.Subjects"/>). <c>context.complete</c> is
/// false when a rule that names no subjects permits too. The subject's id is ignored; the resource needs its id.
/// </summary>
internal sealed class SearchSubjectEndpoint : EndpointWithoutRequest
{
    public const string Route = "/access/v1/search/subject";
    public const string AnySubjectReason = "a rule that names no subjects permits: subjects beyond the results are permitted too";

    public override void Configure()
    {
        Post(Route);
        Summary(s => s.Summary = "AuthZEN Subject Search: the subjects the embedded PDP's rules name that may perform the action on the resource");
        Description(AuthZenServing.Describe<AuthZenSearchRequest, AuthZenSubjectSearchResponse>);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        using var body = await AuthZenServing.ReadAsync(HttpContext, ct);
        var request = body.RootElement;
        var subject = AuthZenReader.Subject(AuthZenReader.Member(request, "subject"), withId: false);
        var action = AuthZenReader.Action(AuthZenReader.Member(request, "action"));
        var resource = AuthZenReader.Resource(AuthZenReader.Member(request, "resource"));
        var context = AuthZenReader.Context(AuthZenReader.Member(request, "context"));
        var paging = HttpContext.RequestServices.GetRequiredService<SearchPaging>();
        var window = paging.Open(AuthZenSearchKind.Subject, request);

        var found = new SubjectsFound([], false);   // a type, resource or action this PDP has no policies for: nothing
        if (AuthZenMapping.SubjectFrom(subject, "") is { } template && resource.Type == AuthZenMapping.SecretType
            && AuthZenMapping.ResourceFrom(resource, resource.Id!) is { } policyResource && AuthZenMapping.IsAction(action.Name))
        {
            var policies = HttpContext.RequestServices.GetRequiredService<EmbeddedPdp>().Policies.Current;
            found = PolicySearch.Subjects(policies, template, policyResource, action.Name!, AuthZenMapping.ContextFrom(context));
        }
        var (ids, page) = paging.Cut(window, found.Ids);
        var answer = new AuthZenSubjectSearchResponse(
            page,
            new AuthZenSearchContext(!found.AnySubject, found.AnySubject ? AnySubjectReason : null),
            ids.Select(id => new AuthZenSubject(subject.Type, id, null)).ToList());
        await Send.ResultAsync(TypedResults.Json(answer, AuthZenJson.Default.AuthZenSubjectSearchResponse));
    }
}
