using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Secrets.Policy.AuthZen;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// GET /.well-known/authzen-configuration: the embedded PDP's metadata (AuthZEN 1.0 §9): its identifier and every
/// API it serves. The document of an identifier with a path is at the well-known path followed by that path
/// (§9.2: <c>https://host/pdp</c> → <c>/.well-known/authzen-configuration/pdp</c>); any other path is 404.
/// Anonymous, like every well-known document, and cacheable for five minutes (§11.9).
/// </summary>
internal sealed class AuthZenConfigurationEndpoint : EndpointWithoutRequest
{
    public const string CacheControl = "public, max-age=300";

    public override void Configure()
    {
        Get(AuthZenServing.WellKnownPath, AuthZenServing.WellKnownPath + "/{**path}");
        Summary(s => s.Summary = "AuthZEN PDP metadata of the embedded PDP");
        Description(b => b.Produces<AuthZenConfiguration>(200, "application/json"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var options = AuthZenServing.Served(HttpContext);
        var identifier = AuthZenServing.Identifier(HttpContext, options);
        var asked = HttpContext.Request.Path.Value![AuthZenServing.WellKnownPath.Length..].TrimEnd('/');
        if (!string.Equals(asked, PathString.FromUriComponent(new Uri(identifier)).Value?.TrimEnd('/') ?? "", StringComparison.Ordinal))
            throw new SecretsProblem(ErrorCode.NotFound);   // the document of another identifier

        var configuration = new AuthZenConfiguration(
            identifier,
            identifier + AccessEvaluationEndpoint.Route,
            identifier + AccessEvaluationsEndpoint.Route,
            identifier + SearchSubjectEndpoint.Route,
            identifier + SearchResourceEndpoint.Route,
            identifier + SearchActionEndpoint.Route);
        HttpContext.Response.Headers[HeaderNames.CacheControl] = CacheControl;
        await Send.ResultAsync(TypedResults.Json(configuration, AuthZenJson.Default.AuthZenConfiguration));
    }
}
