using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Secrets.Policy.AuthZen;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>GET /.well-known/authzen-configuration: the embedded PDP's AuthZEN metadata (its base and both evaluation endpoints).</summary>
internal sealed class AuthZenConfigurationEndpoint : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/.well-known/authzen-configuration");
        Summary(s => s.Summary = "AuthZEN PDP metadata of the embedded PDP");
        Description(b => b.Produces<AuthZenConfiguration>(200, "application/json"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var options = AuthZenServing.Require(HttpContext);
        var baseUrl = AuthZenServing.BaseUrl(HttpContext, options);
        var configuration = new AuthZenConfiguration(
            baseUrl,
            baseUrl + "/" + AuthZenPdpClient.EvaluationPath,
            baseUrl + "/" + AuthZenPdpClient.EvaluationsPath);
        await Send.ResultAsync(TypedResults.Json(configuration, AuthZenJson.Default.AuthZenConfiguration));
    }
}
