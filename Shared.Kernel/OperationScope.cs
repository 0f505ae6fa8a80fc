namespace Secrets.Shared.Kernel;

/// <summary>
/// The operations one request made on secrets. The access pipeline reports each operation's outcome
/// here (one for most requests, one per operation for bulk); when the request ends the audit trail
/// writes one record per outcome, or one record for the request itself when it was refused before
/// any operation ran (docs/AUDIT.md). Stored as an HTTP feature for the request's lifetime.
/// </summary>
public sealed class OperationScope(Caller caller)
{
    private OperationOutcome? first;
    private List<OperationOutcome>? more;

    /// <summary>Who made the request, as authentication established it.</summary>
    public Caller Caller { get; } = caller ?? throw new ArgumentNullException(nameof(caller));

    public int Count => first is null ? 0 : 1 + (more?.Count ?? 0);

    public void Report(OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (first is null)
            first = outcome;
        else
            (more ??= []).Add(outcome);
    }

    /// <summary>The outcomes in the order they were reported.</summary>
    public IEnumerable<OperationOutcome> Outcomes
    {
        get
        {
            if (first is null)
                yield break;
            yield return first;
            foreach (var outcome in more ?? [])
                yield return outcome;
        }
    }
}
