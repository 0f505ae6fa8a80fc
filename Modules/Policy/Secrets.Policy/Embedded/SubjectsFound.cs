namespace Secrets.Policy.Embedded;

/// <summary>
/// The subjects a subject search found: the ids named by rules that permit, in ordinal order, and whether a
/// rule that names no subjects permits too (<see cref="AnySubject"/>), so that others, not listed, are permitted.
/// </summary>
internal sealed record SubjectsFound(IReadOnlyList<string> Ids, bool AnySubject);
