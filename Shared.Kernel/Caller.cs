namespace Secrets.Shared.Kernel;

/// <summary>Who is calling, as the host established it. Stored as an HTTP feature by the host.</summary>
public sealed record Caller(
    string Subject,
    string? ClientId,
    string? Issuer,
    string? TokenId,
    SenderBinding? Binding,
    string CorrelationId)
{
    public const string AnonymousSubject = "anonymous";

    /// <summary>The token's audiences (<c>aud</c>), empty when it has none or there is no token.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>The token's scopes (space-separated <c>scope</c>, or an <c>scp</c> array); empty without a token.</summary>
    public IReadOnlySet<string> Scopes { get; init; } = EmptyScopes;

    private static readonly IReadOnlySet<string> EmptyScopes = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Workload context a token may carry (docs/AUTHORIZATION.md#request): workflow_run_id, node_id, system_id.</summary>
    public string? WorkflowRunId { get; init; }
    public string? NodeId { get; init; }
    public string? SystemId { get; init; }

    /// <summary>Whether the caller presented an access token that was accepted (a validated token always names its issuer).</summary>
    public bool IsAuthenticated => Issuer is not null;

    /// <summary>AuthZEN subject type: <c>client</c> for a client acting for itself, else <c>user</c>.</summary>
    public string SubjectType => ClientId is not null && string.Equals(ClientId, Subject, StringComparison.Ordinal) ? "client" : "user";

    public static Caller Anonymous(string correlationId) =>
        new(AnonymousSubject, null, null, null, null, correlationId);
}
