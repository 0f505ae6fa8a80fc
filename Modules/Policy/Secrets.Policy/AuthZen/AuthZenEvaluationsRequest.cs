namespace Secrets.Policy.AuthZen;

/// <summary>POST /access/v1/evaluations: top-level members are defaults that each item may replace.</summary>
internal sealed record AuthZenEvaluationsRequest(
    AuthZenSubject? Subject,
    AuthZenAction? Action,
    AuthZenResource? Resource,
    AuthZenContext? Context,
    IReadOnlyList<AuthZenEvaluationRequest?>? Evaluations,
    AuthZenEvaluationsOptions? Options);
