namespace Secrets.Audit.Contracts;

/// <summary>
/// Endpoint metadata: the endpoint operates on secrets and every request to it is audited, one record
/// per outcome. <see cref="Type"/> names a request refused before any operation ran (bad body, bad
/// query); otherwise an outcome's type follows its purpose (<c>execute</c> → <c>SECRET_READ</c>, …) unless
/// <see cref="Fixed"/> (copy, move: one record of that type for the request's several uses).
/// </summary>
public sealed record AuditedAs(AuditType Type, bool Fixed = false);
