namespace Secrets.Policy.AuthZen;

/// <summary>
/// The PDP metadata of the embedded PDP (AuthZEN 1.0 §9.1): its identifier and the URL of every API it serves.
/// Parameters without a value are left out (§9.2.2); the client reads other PDPs' documents member by member
/// (<see cref="AuthZenMetadata"/>), not with this type.
/// </summary>
internal sealed record AuthZenConfiguration(
    string PolicyDecisionPoint,
    string AccessEvaluationEndpoint,
    string? AccessEvaluationsEndpoint,
    string? SearchSubjectEndpoint,
    string? SearchResourceEndpoint,
    string? SearchActionEndpoint);
