namespace Secrets.Providers.Kv;

/// <summary>Paging bounds of listings and search: <c>LIST_MAX_LIMIT</c>, <c>LIST_MAX_TRAVERSAL</c>.</summary>
internal sealed record ListingOptions(int MaxLimit, int MaxTraversal)
{
    public const int DefaultLimit = 100;
}
