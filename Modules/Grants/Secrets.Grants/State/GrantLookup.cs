namespace Secrets.Grants.State;

internal enum GrantLookup
{
    /// <summary>No live grant and no cached deny: a fresh decision is needed.</summary>
    Miss,
    /// <summary>A live grant had a use left; one was taken.</summary>
    Used,
    /// <summary>A live grant exists but for another binding; nothing was taken.</summary>
    BindingDrift,
    /// <summary>A deny is cached (negative cache).</summary>
    Denied,
}
