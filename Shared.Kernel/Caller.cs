namespace Secrets.Shared.Kernel;

/// <summary>Who is calling, as the host established it. Stored as an HTTP feature by the host.</summary>
public sealed record Caller(
    string Subject,
    string? ClientId,
    string? Issuer,
    string? TokenId,
    string? Binding,
    string CorrelationId)
{
    public const string AnonymousSubject = "anonymous";

    public static Caller Anonymous(string correlationId) =>
        new(AnonymousSubject, null, null, null, null, correlationId);
}

/// <summary>Owner and creation stamps read server-side from provider metadata; never client-supplied.</summary>
public sealed record ResourceAttributes(string? Owner, string? CreatedBy, DateTimeOffset? CreatedAt)
{
    public static readonly ResourceAttributes None = new(null, null, null);
}
