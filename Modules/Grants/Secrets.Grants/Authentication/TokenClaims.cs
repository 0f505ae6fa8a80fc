using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Secrets.Grants.Binding;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Authentication;

/// <summary>
/// The claims of a validated access token that the service uses (docs/AUTHENTICATION.md#token-acceptance,
/// docs/AUTHORIZATION.md), read from its payload as
/// issued: <c>sub</c>, the client (<c>client_id</c>, else <c>azp</c>), <c>iss</c>, <c>aud</c>, <c>jti</c>, the
/// scopes (space-separated <c>scope</c>, or an <c>scp</c> array), the binding (<c>cnf.jkt</c> or
/// <c>cnf.x5t#S256</c>) and the workload context (<c>workflow_run_id</c>, <c>node_id</c>, <c>system_id</c>).
/// <see cref="Problem"/> is set when the token cannot be used: no subject, or a <c>cnf</c> we cannot honour.
/// </summary>
internal sealed record TokenClaims
{
    public string Subject { get; private init; } = Caller.AnonymousSubject;
    public string? ClientId { get; private init; }
    public string? Issuer { get; private init; }
    public string? TokenId { get; private init; }
    public IReadOnlyList<string> Audiences { get; private init; } = [];
    public IReadOnlySet<string> Scopes { get; private init; } = new HashSet<string>(StringComparer.Ordinal);
    public string? Jkt { get; private init; }
    public string? X5t { get; private init; }
    public string? WorkflowRunId { get; private init; }
    public string? NodeId { get; private init; }
    public string? SystemId { get; private init; }
    public string? Problem { get; private init; }

    public Caller ToCaller(SenderBinding? binding, string correlationId) => new(Subject, ClientId, Issuer, TokenId, binding, correlationId)
    {
        Audiences = Audiences,
        Scopes = Scopes,
        WorkflowRunId = WorkflowRunId,
        NodeId = NodeId,
        SystemId = SystemId,
    };

    public static TokenClaims Read(JsonWebToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!Base64UrlStrict.TryDecode(token.EncodedPayload, out var payload))
            return Refused("the token is malformed");
        using var document = JsonDocument.Parse(payload);
        var claims = document.RootElement;
        var clientId = String(claims, "client_id") ?? String(claims, "azp");
        var subject = String(claims, "sub") ?? clientId;
        if (subject is not { Length: > 0 })
            return Refused("the token names no subject (sub) or client");
        if (ServiceSubjects.IsReserved(subject))
            return Refused("the token's subject is reserved for the service itself");

        string? jkt = null, x5t = null;
        if (claims.TryGetProperty("cnf", out var cnf))
        {
            if (cnf.ValueKind != JsonValueKind.Object)
                return Refused("the token's cnf is not an object");
            jkt = String(cnf, "jkt");
            x5t = String(cnf, "x5t#S256");
            if ((jkt is null) == (x5t is null))
                return Refused("the token's cnf must carry exactly one of jkt and x5t#S256");
        }

        return new TokenClaims
        {
            Subject = subject,
            ClientId = clientId,
            Issuer = String(claims, "iss"),
            TokenId = String(claims, "jti"),
            Audiences = Strings(claims, "aud"),
            Scopes = ScopesOf(claims),
            Jkt = jkt,
            X5t = x5t,
            WorkflowRunId = String(claims, "workflow_run_id"),
            NodeId = String(claims, "node_id"),
            SystemId = String(claims, "system_id"),
        };
    }

    private static TokenClaims Refused(string problem) => new() { Problem = problem };

    private static HashSet<string> ScopesOf(JsonElement claims)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        if (String(claims, "scope") is { } scope)
            scopes.UnionWith(scope.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var scp in Strings(claims, "scp"))
            scopes.UnionWith(scp.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return scopes;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string[] Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
            return [];
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString() is { Length: > 0 } one ? [one] : [];
        if (value.ValueKind != JsonValueKind.Array)
            return [];
        return value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).Where(s => s.Length > 0).ToArray();
    }
}
