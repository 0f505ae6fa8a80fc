namespace Secrets.Policy.AuthZen;

/// <summary>
/// Where the external PDP's APIs are, as its metadata says (AuthZEN 1.0 §9.1.1), or the default paths under its
/// identifier when it publishes none (<see cref="Published"/> false, §10.1). An API without a URL is one the PDP does
/// not offer (§9.1.1: the absence of a parameter says so); without metadata, searches count as not offered.
/// </summary>
internal sealed record AuthZenMetadata(Uri Evaluation, Uri? Evaluations, Uri? SearchSubject, Uri? SearchResource, Uri? SearchAction, bool Published)
{
    public const string EvaluationPath = "access/v1/evaluation";
    public const string EvaluationsPath = "access/v1/evaluations";

    /// <summary>No metadata: the evaluation APIs at their default paths (§10.1), no search.</summary>
    public static AuthZenMetadata Defaults(AuthZenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(new Uri(options.BaseUrl, EvaluationPath), new Uri(options.BaseUrl, EvaluationsPath), null, null, null, Published: false);
    }

    public Uri? Search(AuthZenSearchKind kind) => kind switch
    {
        AuthZenSearchKind.Subject => SearchSubject,
        AuthZenSearchKind.Resource => SearchResource,
        _ => SearchAction,
    };
}
