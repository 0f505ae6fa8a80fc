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
    public const string MalformedDecision = "malformed decision";

    private static readonly Dictionary<string, Purpose> Purposes =
        Enum.GetValues<Purpose>().ToDictionary(p => p.Name(), StringComparer.Ordinal);

    // ---- requests ----

    public static AuthZenEvaluationRequest ToWire(PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (subject, resource, context) = (request.Subject, request.Resource, request.Context);
        var attributes = resource.Attributes;
        return new AuthZenEvaluationRequest(
            new AuthZenSubject(subject.Type, subject.Id, NullIfEmpty(new AuthZenSubjectProperties(subject.TenantId, subject.ClientId, subject.Issuer, subject.CnfBinding))),
            new AuthZenAction(request.Action),
            new AuthZenResource(SecretType, resource.Uri.ToString(), new AuthZenResourceProperties(
                resource.TenantId,
                resource.Uri.Mount,
                NullIfEmpty(new AuthZenResourceAttributes(attributes.Owner, attributes.CreatedBy, attributes.CreatedAt is { } at ? FormatTime(at) : null)))),
            NullIfEmpty(new AuthZenContext(
                context.Audiences.Count == 0 ? null : context.Audiences,
                context.TokenJti, context.CorrelationId, context.WorkflowRunId, context.NodeId, context.SystemId)));
    }

    /// <summary>
    /// An AuthZEN request as the embedded PDP's question. Missing subject, resource or action (or
    /// their required members) and unreadable attributes are 400 INVALID_REQUEST; a subject type,
    /// resource or action this PDP has no policies for is a question answered with a deny.
    /// </summary>
    public static AuthZenQuestion FromWire(AuthZenEvaluationRequest request)
    {
        if (request is not
            {
                Subject: { Type.Length: > 0, Id.Length: > 0 } subject,
                Resource: { Type.Length: > 0, Id.Length: > 0 } resource,
                Action.Name.Length: > 0,
            })
            throw new SecretsProblem(ErrorCode.InvalidRequest);
        var attributes = AttributesFrom(resource.Properties?.ResourceAttributes);

        if (subject.Type is not ("user" or "client"))
            return AuthZenQuestion.Refused("unsupported subject type");
        if (resource.Type != SecretType)
            return AuthZenQuestion.Refused("unsupported resource type");
        if (!CanonicalSecretUri.TryParse(resource.Id, null, UriAllowance.Prefix, out var uri, out _))
            return AuthZenQuestion.Refused("resource id is not a canonical secret uri");
        if (!Purposes.ContainsKey(request.Action.Name))
            return AuthZenQuestion.Refused("unknown action");

        var p = subject.Properties;
        var c = request.Context;
        return new AuthZenQuestion(new PolicyRequest(
            new PolicySubject(subject.Type, subject.Id, p?.TenantId, p?.ClientId, p?.Issuer, p?.CnfBinding),
            new PolicyResource(uri, resource.Properties?.TenantId, attributes),
            request.Action.Name,
            c is null
                ? PolicyContext.Empty
                : new PolicyContext(c.Aud ?? [], c.TokenJti, c.CorrelationId, c.WorkflowRunId, c.NodeId, c.SystemId)), null);
    }

    /// <summary>A batch item with the batch's defaults filled in (an item's member replaces the default whole).</summary>
    public static AuthZenEvaluationRequest WithDefaults(AuthZenEvaluationRequest item, AuthZenEvaluationsRequest batch)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(batch);
        return new(item.Subject ?? batch.Subject, item.Action ?? batch.Action, item.Resource ?? batch.Resource, item.Context ?? batch.Context);
    }

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
        _ => throw new SecretsProblem(ErrorCode.InvalidRequest),
    };

    /// <summary>True when <paramref name="verdict"/> ends a batch under <paramref name="semantic"/>.</summary>
    public static bool Decides(EvaluationSemantic semantic, AccessVerdict verdict) => semantic switch
    {
        EvaluationSemantic.DenyOnFirstDeny => !verdict.Decision,
        EvaluationSemantic.PermitOnFirstPermit => verdict.Decision,
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
    /// member of the wrong type is treated as absent.
    /// </summary>
    public static AccessVerdict VerdictFrom(JsonElement answer)
    {
        var context = Member(answer, "context");
        var decisionId = StringMember(context, "decision_id");
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

    private static ResourceAttributes AttributesFrom(AuthZenResourceAttributes? wire)
    {
        if (wire is null)
            return ResourceAttributes.None;
        DateTimeOffset? createdAt = null;
        if (wire.CreatedAt is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                throw new SecretsProblem(ErrorCode.InvalidRequest);
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
