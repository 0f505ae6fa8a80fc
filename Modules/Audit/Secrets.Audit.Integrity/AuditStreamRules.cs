namespace Secrets.Audit.Integrity;

/// <summary>
/// What a node's audit stream promises, shared by the writer and the verifier: the shape of a node id and the
/// default checkpoint rule (a checkpoint after every <see cref="DefaultEvery"/> events and at least every
/// <see cref="DefaultSeconds"/> seconds; <c>AUDIT_CHECKPOINT_EVERY</c>, <c>AUDIT_CHECKPOINT_SECONDS</c>).
/// </summary>
internal static class AuditStreamRules
{
    public const int DefaultEvery = 1000;
    public const int DefaultSeconds = 60;
    public const int MaxNodeIdLength = 100;

    public static void ValidateNodeId(string nodeId, string paramName)
    {
        if (!IsNodeId(nodeId) || nodeId.Length > MaxNodeIdLength)
            throw new ArgumentException("a node id is 1 to 100 characters of A-Z a-z 0-9 . _ -", paramName);
    }

    public static bool IsNodeId(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
