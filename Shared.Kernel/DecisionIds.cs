namespace Secrets.Shared.Kernel;

/// <summary>Decision ids (docs/AUTHORIZATION.md#decision_id): <c>dec_</c> + a time-ordered GUID, on every decision and its audit record.</summary>
public static class DecisionIds
{
    public static string New() => "dec_" + Guid.CreateVersion7().ToString("N");
}
