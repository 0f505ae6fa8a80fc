namespace Secrets.Shared.Kernel;

/// <summary>
/// The one failure type. Its message is the fixed detail of its code, or a fixed server-side text
/// (a scope name, a DPoP check), never built from input, so a secret value or a token can never travel inside it.
/// </summary>
public sealed class SecretsProblem : Exception
{
    public SecretsProblem(ErrorCode code, TimeSpan? retryAfter = null, string? detail = null)
        : base(detail ?? code.Detail)
    {
        Code = code;
        RetryAfter = retryAfter;
    }

    public ErrorCode Code { get; }
    public int Status => Code.Status;
    public TimeSpan? RetryAfter { get; }

    /// <summary><see cref="RetryAfter"/> as the <c>Retry-After</c> header says it: whole seconds, rounded up, at least 1.</summary>
    public int? RetryAfterSeconds => RetryAfter is { } wait ? WholeSeconds(wait) : null;

    public static int WholeSeconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);
    public string Detail => Message;

    /// <summary>Headers the answer carries besides the body: <c>WWW-Authenticate</c> (RFC 6750, RFC 9449), <c>DPoP-Nonce</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}
