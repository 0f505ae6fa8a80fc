using Secrets.Shared.Kernel;

namespace Secrets.Providers.Access;

/// <summary>
/// Which entries of a listing the caller may see (docs/AUTHORIZATION.md#filtered-listings). <see cref="Filtered"/>
/// says whether anything was checked, which the listing answers tell the caller.
/// </summary>
internal sealed record EntryFilter(bool Filtered, Func<IReadOnlyList<CanonicalSecretUri>, Caller, CancellationToken, Task<IReadOnlyList<bool>>> Check)
{
    public static readonly EntryFilter ShowAll = new(false, (entries, _, _) => Task.FromResult<IReadOnlyList<bool>>(Enumerable.Repeat(true, entries.Count).ToArray()));
}
