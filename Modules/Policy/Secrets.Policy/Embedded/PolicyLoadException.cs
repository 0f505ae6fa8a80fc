namespace Secrets.Policy.Embedded;

/// <summary>
/// The policy file cannot be used. The message names the file, the rule (id and 1-based index)
/// when there is one, the field and the line, for the operator who has to fix it, e.g.
/// <c>policies.yaml: rule 'payments-runtime' (#2, line 14): purposes: unknown purpose 'reed' (…)</c>.
/// </summary>
internal sealed class PolicyLoadException(string message, string source, string? field = null, int? ruleIndex = null, string? ruleId = null, long? line = null)
    : Exception(message)
{
    /// <summary>The file, as named in the message.</summary>
    public string PolicyPath { get; } = source;
    public string? Field { get; } = field;
    public int? RuleIndex { get; } = ruleIndex;
    public string? RuleId { get; } = ruleId;
    public long? Line { get; } = line;

    /// <summary>The file could not be read (missing, unreadable): worth trying again although it did not change.</summary>
    public bool ReadFailure { get; init; }
}
