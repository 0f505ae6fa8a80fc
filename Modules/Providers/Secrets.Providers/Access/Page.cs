namespace Secrets.Providers.Access;

/// <summary>
/// One page of a listing. <see cref="Total"/> and <see cref="NextOffset"/> count only what the caller may see;
/// <see cref="Filtered"/> says whether entries were checked for the caller (docs/API.md#pagination).
/// </summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int Total, int? NextOffset)
{
    public bool Filtered { get; init; }

    public static Page<T> Of(IReadOnlyList<T> all, int offset, int limit, bool filtered = false)
    {
        var items = all.Skip(offset).Take(limit).ToList();
        var next = offset + items.Count < all.Count ? offset + items.Count : (int?)null;
        return new Page<T>(items, offset, limit, all.Count, next) { Filtered = filtered };
    }
}
