using System.Globalization;
using System.Text.Json;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// <see cref="PolicyRequest"/> ↔ AuthZEN JSON (docs/AUTHORIZATION.md#request), in one place for the client and the
/// embedded PDP's endpoints: requests out and in, verdicts out (server) and in (client).
/// </summary>
internal static class AuthZenMapping
{
    public const string SecretType = "secret";
    public const string UserType = "user";
    public const string ClientType = "client";
    public const string MalformedDecision = "malformed decision";
    public const string ItemError = "pdp item error";

    private static readonly Dictionary<string, Purpose> Purposes =
        Enum.GetValues<Purpose>().ToDictionary(p => p.Name(), StringComparer.Ordinal);

    // ---- requests ----

    public static AuthZenEvaluationRequest ToWire(PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = request.Resource;
        var attributes = resource.Attributes;
        return new AuthZenEvaluationRequest(
            ToWire(request.Subject),
            new AuthZenAction(request.Action),
            new AuthZenResource(SecretType, resource.Uri.ToString(), new AuthZenResourceProperties(
                resource.TenantId,
                resource.Uri.Mount,
                NullIfEmpty(new AuthZenResourceAttributes(attributes.Owner, attributes.CreatedBy, attributes.CreatedAt is { } at ? FormatTime(at) : null)))),
            ToWire(request.Context));
    }

    public static AuthZenSubject ToWire(PolicySubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return new AuthZenSubject(subject.Type, subject.Id, NullIfEmpty(new AuthZenSubjectProperties(subject.TenantId, subject.ClientId, subject.Issuer, subject.CnfBinding)));
    }

    public static AuthZenContext? ToWire(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return NullIfEmpty(new AuthZenContext(
            context.Audiences.Count == 0 ? null : context.Audiences,
            context.TokenJti, context.CorrelationId, context.WorkflowRunId, context.NodeId, context.SystemId));
    }

    /// <summary>
    /// A received question in the PDP's terms. A subject type other than user or client, a resource type other
    /// than secret, an id that is not a canonical secret URI (prefixes allowed) or an unknown action is a
    /// refusal: a question this PDP has no policies for, answered with a deny.
    /// </summary>
    public static AuthZenQuestion Question(AuthZenSubject subject, AuthZenResource resource, AuthZenAction action, AuthZenContext? context)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(action);
        if (SubjectFrom(subject, subject.Id!) is not { } policySubject)
            return AuthZenQuestion.Refused("unsupported subject type");
        if (resource.Type != SecretType)
            return AuthZenQuestion.Refused("unsupported resource type");
        if (ResourceFrom(resource, resource.Id!) is not { } policyResource)
            return AuthZenQuestion.Refused("resource id is not a canonical secret uri");
        if (!IsAction(action.Name))
            return AuthZenQuestion.Refused("unknown action");
        return new AuthZenQuestion(new PolicyRequest(policySubject, policyResource, action.Name!, ContextFrom(context)), null);
    }

    /// <summary>The subject <paramref name="id"/> with the request subject's type and properties; null for a type this PDP has no policies for.</summary>
    public static PolicySubject? SubjectFrom(AuthZenSubject subject, string id)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Type is not (UserType or ClientType))
            return null;
        var p = subject.Properties;
        return new PolicySubject(subject.Type, id, p?.TenantId, p?.ClientId, p?.Issuer, p?.CnfBinding);
    }

    /// <summary>
    /// The secret <paramref name="id"/> with the request resource's tenant and attributes; null when it is not a
    /// canonical secret URI. Attributes that cannot be read are 400 INVALID_REQUEST (naming the resource).
    /// </summary>
    public static PolicyResource? ResourceFrom(AuthZenResource resource, string id)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var attributes = AttributesFrom(resource.Properties?.ResourceAttributes);
        return CanonicalSecretUri.TryParse(id, null, UriAllowance.Prefix, out var uri, out _)
            ? new PolicyResource(uri, resource.Properties?.TenantId, attributes)
            : null;
    }

    public static PolicyContext ContextFrom(AuthZenContext? c) =>
        c is null ? PolicyContext.Empty : new PolicyContext(c.Aud ?? [], c.TokenJti, c.CorrelationId, c.WorkflowRunId, c.NodeId, c.SystemId);

    /// <summary>Whether <paramref name="name"/> is a purpose: the actions this PDP has policies for.</summary>
    public static bool IsAction(string? name) => name is not null && Purposes.ContainsKey(name);

    public static string SemanticName(EvaluationSemantic semantic) => semantic switch
    {
        EvaluationSemantic.ExecuteAll => "execute_all",
        EvaluationSemantic.DenyOnFirstDeny => "deny_on_first_deny",
        EvaluationSemantic.PermitOnFirstPermit => "permit_on_first_permit",
        _ => throw new ArgumentOutOfRangeException(nameof(semantic)),
    };

    /// <summary><c>options.evaluations_semantic</c>; absent is execute_all, anything unknown is 400 INVALID_REQUEST.</summary>
    public static EvaluationSemantic SemanticFrom(string? name) => name switch
    {
        null or "execute_all" => EvaluationSemantic.ExecuteAll,
        "deny_on_first_deny" => EvaluationSemantic.DenyOnFirstDeny,
        "permit_on_first_permit" => EvaluationSemantic.PermitOnFirstPermit,
        _ => throw new SecretsProblem(ErrorCode.InvalidRequest,
            detail: "options.evaluations_semantic must be execute_all, deny_on_first_deny or permit_on_first_permit"),
    };

    /// <summary>True when a decision of <paramref name="decision"/> ends a batch under <paramref name="semantic"/> (an error is a deny).</summary>
    public static bool Decides(EvaluationSemantic semantic, bool decision) => semantic switch
    {
        EvaluationSemantic.DenyOnFirstDeny => !decision,
        EvaluationSemantic.PermitOnFirstPermit => decision,
        _ => false,
    };

    // ---- decisions ----

    /// <summary>The server's answer: a decision id always (a new one when the PDP gave none), obligations only on a permit.</summary>
    public static AuthZenDecision ToWire(AccessVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var obligations = verdict.Decision
            ? NullIfEmpty(new AuthZenObligations(verdict.TtlSeconds, verdict.MaxUses, verdict.RequireBinding))
            : null;
        var decisionId = verdict.DecisionId is { Length: > 0 } id ? id : DecisionIds.New();
        return new AuthZenDecision(verdict.Decision, new AuthZenDecisionContext(decisionId, obligations, verdict.Reason));
    }

    /// <summary>
    /// A PDP's answer read leniently: a missing or non-boolean <c>decision</c> is a deny ("malformed
    /// decision"); <c>decision_id</c>, <c>reason</c> and the obligations come from <c>context</c>, and a
    /// member of the wrong type is treated as absent. An answer whose <c>context</c> carries an
    /// <c>error</c> (AuthZEN 1.0 §7.2.1: this evaluation failed) is a deny the PDP did not decide, so it
    /// is not cached, whatever its <c>decision</c> says.
    /// </summary>
    public static AccessVerdict VerdictFrom(JsonElement answer)
    {
        var context = Member(answer, "context");
        var decisionId = StringMember(context, "decision_id");
        if (Member(context, "error") is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } error)
            return new AccessVerdict(false, decisionId, null, null, null,
                IntMember(error, "status") is { } status ? $"{ItemError} {status.ToString(CultureInfo.InvariantCulture)}" : ItemError) { Evaluated = false };
        var decision = Member(answer, "decision");
        if (decision.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return new AccessVerdict(false, decisionId, null, null, null, MalformedDecision);
        var reason = StringMember(context, "reason");
        if (decision.ValueKind == JsonValueKind.False)
            return new AccessVerdict(false, decisionId, null, null, null, reason);
        var obligations = Member(context, "obligations");
        return new AccessVerdict(true, decisionId,
            IntMember(obligations, "ttl_seconds"), IntMember(obligations, "max_uses"), StringMember(obligations, "require_binding"), reason);
    }

    // ---- helpers ----

    /// <summary>The attributes a request gives a resource; a <c>created_at</c> that is not a date is 400 INVALID_REQUEST.</summary>
    public static ResourceAttributes AttributesFrom(AuthZenResourceAttributes? wire)
    {
        if (wire is null)
            return ResourceAttributes.None;
        DateTimeOffset? createdAt = null;
        if (wire.CreatedAt is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "resource.properties.resource_attributes.created_at is not a date");
            createdAt = parsed;
        }
        return new ResourceAttributes(wire.Owner, wire.CreatedBy, createdAt);
    }

    /// <summary>ISO-8601 UTC, the form the providers stamp (<c>2024-05-01T12:00:00.123Z</c>).</summary>
    private static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonElement Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? StringMember(JsonElement element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static int? IntMember(JsonElement element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;

    private static AuthZenSubjectProperties? NullIfEmpty(AuthZenSubjectProperties p) =>
        p is { TenantId: null, ClientId: null, Issuer: null, CnfBinding: null } ? null : p;

    private static AuthZenResourceAttributes? NullIfEmpty(AuthZenResourceAttributes a) =>
        a is { Owner: null, CreatedBy: null, CreatedAt: null } ? null : a;

    private static AuthZenContext? NullIfEmpty(AuthZenContext c) =>
        c is { Aud: null, TokenJti: null, CorrelationId: null, WorkflowRunId: null, NodeId: null, SystemId: null } ? null : c;

    private static AuthZenObligations? NullIfEmpty(AuthZenObligations o) =>
        o is { TtlSeconds: null, MaxUses: null, RequireBinding: null } ? null : o;
}
