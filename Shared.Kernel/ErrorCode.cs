namespace Secrets.Shared.Kernel;

/// <summary>A typed error code (docs/ERRORS.md#codes), with its HTTP status and one fixed detail text.</summary>
public sealed record ErrorCode
{
    private ErrorCode(string value, int status, string title, string detail)
    {
        Value = value;
        Status = status;
        Title = title;
        Detail = detail;
    }

    public string Value { get; }
    public int Status { get; }
    public string Title { get; }
    public string Detail { get; }

    public override string ToString() => Value;

    private const string BadRequest = "Bad Request";

    public static readonly ErrorCode IllegalSegment = new("ILLEGAL_SEGMENT", 400, BadRequest, "the URI contains an illegal path segment");
    public static readonly ErrorCode InvalidWildcard = new("INVALID_WILDCARD", 400, BadRequest, "'*' is only allowed as a terminal '/*' where the operation accepts prefixes");
    public static readonly ErrorCode UnsupportedProvider = new("UNSUPPORTED_PROVIDER", 400, BadRequest, "unsupported provider");
    public static readonly ErrorCode UnsupportedEngine = new("UNSUPPORTED_ENGINE", 400, BadRequest, "unsupported engine for this provider");
    public static readonly ErrorCode AmbiguousMount = new("AMBIGUOUS_MOUNT", 400, BadRequest, "the URI has no unambiguous mount");
    public static readonly ErrorCode AmbiguousQuery = new("AMBIGUOUS_QUERY", 400, BadRequest, "duplicate, unknown or invalid query parameter");
    public static readonly ErrorCode TenantMountMismatch = new("TENANT_MOUNT_MISMATCH", 400, BadRequest, "mount not allowed for tenant");
    public static readonly ErrorCode MalformedUri = new("MALFORMED_URI", 400, BadRequest, "the URI is malformed");
    public static readonly ErrorCode FragmentNotAllowed = new("FRAGMENT_NOT_ALLOWED", 400, BadRequest, "this operation addresses a whole path; remove the fragment");
    public static readonly ErrorCode InvalidRequest = new("INVALID_REQUEST", 400, BadRequest, "the request is invalid");
    public static readonly ErrorCode FragmentRequired = new("FRAGMENT_REQUIRED", 400, BadRequest, "this operation writes one key: name it with a #fragment");
    public static readonly ErrorCode InvalidValue = new("INVALID_VALUE", 400, BadRequest, "without a fragment the value must be a JSON object of keys");
    public static readonly ErrorCode UnsupportedValue = new("UNSUPPORTED_VALUE", 400, BadRequest, "this provider stores scalars and lists as keys; nested maps are paths");
    public static readonly ErrorCode BackupArchiveInvalid = new("BACKUP_ARCHIVE_INVALID", 400, BadRequest, "the backup archive is not a complete, authentic archive of this format; nothing was restored");
    public static readonly ErrorCode BackupKeyMismatch = new("BACKUP_KEY_MISMATCH", 400, BadRequest, "the backup archive was made with another backup key; nothing was restored");
    public static readonly ErrorCode Unauthenticated = new("UNAUTHENTICATED", 401, "Unauthorized", "authentication is required: send an access token");
    public static readonly ErrorCode InvalidToken = new("INVALID_TOKEN", 401, "Unauthorized", "the access token is missing, malformed, expired or not accepted here");
    public static readonly ErrorCode InvalidDpopProof = new("INVALID_DPOP_PROOF", 401, "Unauthorized", "the DPoP proof is missing or invalid");
    public static readonly ErrorCode UseDpopNonce = new("USE_DPOP_NONCE", 401, "Unauthorized", "the DPoP proof must carry the nonce in the DPoP-Nonce header");
    public static readonly ErrorCode ReplayDenied = new("REPLAY_DENIED", 401, "Unauthorized", "this token or proof was already used");
    public static readonly ErrorCode SenderBindingRequired = new("SENDER_BINDING_REQUIRED", 401, "Unauthorized", "this read needs a sender-bound token (DPoP or mTLS)");
    public static readonly ErrorCode BindingDenied = new("BINDING_DENIED", 401, "Unauthorized", "the sender binding does not match the grant's");
    public static readonly ErrorCode SecretAuthzFailed = new("SECRET_AUTHZ_FAILED", 403, "Forbidden", "access denied by policy");
    public static readonly ErrorCode InsufficientScope = new("INSUFFICIENT_SCOPE", 403, "Forbidden", "the access token lacks the scope this operation needs");
    public static readonly ErrorCode EnvironmentGuard = new("ENVIRONMENT_GUARD", 403, "Forbidden", "this provider refuses writes and deletes outside dev and test");
    public static readonly ErrorCode ApprovalSelfDenied = new("APPROVAL_SELF_DENIED", 403, "Forbidden", "a destroy must be approved by a different subject than the one who requested it");
    public static readonly ErrorCode SecretNotFound = new("SECRET_NOT_FOUND", 404, "Not Found", "secret not found");
    public static readonly ErrorCode FragmentNotFound = new("FRAGMENT_NOT_FOUND", 404, "Not Found", "key not found in secret");
    public static readonly ErrorCode ApprovalNotFound = new("APPROVAL_NOT_FOUND", 404, "Not Found", "no such destroy approval");
    public static readonly ErrorCode NotFound = new("NOT_FOUND", 404, "Not Found", "no such resource");
    public static readonly ErrorCode MethodNotAllowed = new("METHOD_NOT_ALLOWED", 405, "Method Not Allowed", "method not allowed on this resource");
    public static readonly ErrorCode DestinationExists = new("DESTINATION_EXISTS", 409, "Conflict", "the destination exists; set overwrite to replace it");
    public static readonly ErrorCode PathConflict = new("PATH_CONFLICT", 409, "Conflict", "a parent of this path holds a value, not a map");
    public static readonly ErrorCode VersionDeleted = new("VERSION_DELETED", 409, "Conflict", "the version is soft-deleted");
    public static readonly ErrorCode VersionDestroyed = new("VERSION_DESTROYED", 409, "Conflict", "the version is destroyed");
    public static readonly ErrorCode CasMismatch = new("CAS_MISMATCH", 409, "Conflict", "check-and-set version mismatch");
    public static readonly ErrorCode ApprovalExpired = new("APPROVAL_EXPIRED", 409, "Conflict", "the destroy approval expired; request the destroy again");
    public static readonly ErrorCode ApprovalAlreadyUsed = new("APPROVAL_ALREADY_USED", 409, "Conflict", "the destroy approval was already approved");
    public static readonly ErrorCode CasRequired = new("CAS_REQUIRED", 428, "Precondition Required", "the provider requires check-and-set on this path: send cas");
    public static readonly ErrorCode PayloadTooLarge = new("PAYLOAD_TOO_LARGE", 413, "Payload Too Large", "the request body is too large");
    public static readonly ErrorCode UnsupportedMediaType = new("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type", "send application/json");
    public static readonly ErrorCode RateLimited = new("RATE_LIMITED", 429, "Too Many Requests", "too many requests from this client; retry after the time in Retry-After");
    public static readonly ErrorCode OperationNotSupported = new("OPERATION_NOT_SUPPORTED", 501, "Not Implemented", "the provider does not support this operation");
    public static readonly ErrorCode ProviderError = new("PROVIDER_ERROR", 502, "Bad Gateway", "the provider failed");
    public static readonly ErrorCode ProviderUnavailable = new("PROVIDER_UNAVAILABLE", 503, "Service Unavailable", "the provider is unavailable");
    public static readonly ErrorCode PdpUnavailable = new("PDP_UNAVAILABLE", 503, "Service Unavailable", "the policy decision point is unavailable");
    public static readonly ErrorCode GrantStateUnavailable = new("GRANT_STATE_UNAVAILABLE", 503, "Service Unavailable", "the grant store is unavailable");
    public static readonly ErrorCode BackupKeyUnavailable = new("BACKUP_KEY_UNAVAILABLE", 503, "Service Unavailable", "no backup key is available: set BACKUP_KEY or BACKUP_KEY_POINTER");
    public static readonly ErrorCode AuditUnavailable = new("AUDIT_UNAVAILABLE", 503, "Service Unavailable", "the audit trail cannot record the operation");
    /// <summary>Never sent (nobody is left to read it): what the audit trail records for a request the client abandoned.</summary>
    public static readonly ErrorCode RequestAborted = new("REQUEST_ABORTED", 499, "Client Closed Request", "the client closed the connection before the answer");
    public static readonly ErrorCode InternalError = new("INTERNAL_ERROR", 500, "Internal Server Error", "unexpected error");

    private static readonly Dictionary<string, ErrorCode> ByValue = typeof(ErrorCode)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorCode))
        .Select(f => (ErrorCode)f.GetValue(null)!)
        .ToDictionary(c => c.Value, StringComparer.Ordinal);

    public static ErrorCode FromValue(string value) =>
        ByValue.TryGetValue(value, out var code) ? code : InternalError;

    /// <summary>The generic code of an HTTP status that no more specific code explains (an unknown route, a refused body, a bug).</summary>
    public static ErrorCode ForStatus(int status) => status switch
    {
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        >= 500 => InternalError,
        _ => InvalidRequest,
    };
}
