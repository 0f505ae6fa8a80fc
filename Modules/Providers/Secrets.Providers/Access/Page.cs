namespace Secrets.Providers.Access;

internal sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int Total, int? NextOffset)
{
    public static Page<T> Of(IReadOnlyList<T> all, int offset, int limit)
    {
        var items = all.Skip(offset).Take(limit).ToList();
        var next = offset + items.Count < all.Count ? offset + items.Count : (int?)null;
        return new Page<T>(items, offset, limit, all.Count, next);
    }
}
