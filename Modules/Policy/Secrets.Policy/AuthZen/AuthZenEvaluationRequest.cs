namespace Secrets.Policy.AuthZen;

/// <summary>POST /access/v1/evaluation, and one item of a batch (where any member may be left to the batch's default).</summary>
internal sealed record AuthZenEvaluationRequest(
    AuthZenSubject? Subject,
    AuthZenAction? Action,
    AuthZenResource? Resource,
    AuthZenContext? Context);
