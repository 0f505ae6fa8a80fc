namespace Secrets.Shared.Kernel;

/// <summary>
/// The one failure type. Its message is the fixed detail of its code, never built from input,
/// so a secret value can never travel inside it.
/// </summary>
public sealed class SecretsProblem : Exception
{
    public SecretsProblem(ErrorCode code, TimeSpan? retryAfter = null)
        : base(code.Detail)
    {
        Code = code;
        RetryAfter = retryAfter;
    }

    public ErrorCode Code { get; }
    public int Status => Code.Status;
    public TimeSpan? RetryAfter { get; }
}

/// <summary>A failure carried as a value across the mediator (exceptions do not cross it typed).</summary>
public sealed record Failure(string Code)
{
    public static Failure Of(ErrorCode code) => new(code.Value);
    public SecretsProblem ToProblem() => new(ErrorCode.FromValue(Code));
}
