using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Secrets.Policy.AuthZen;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// Pagination of the embedded PDP's searches (AuthZEN 1.0 §8.2). A page is <c>limit</c> results (default
/// <see cref="DefaultLimit"/>, at most <see cref="MaxLimit"/> at a time) from an offset into the ordered results.
/// The <c>next_token</c> is opaque: base64url of a version, the search kind, the next offset, the limit and a
/// 128-bit HMAC-SHA256 over them and the hash of the request's subject, action, resource and context, keyed from
/// the tenant salt (<see cref="TenantContext.DeriveKey"/>, so every node of the tenant reads every node's tokens).
/// It says nothing the caller does not know already (how many results it was given), and it cannot be made or
/// changed: a token of another request, another search, another tenant or altered by one bit is 400
/// INVALID_REQUEST, as is a request that changed its entities or its limit between pages (§8.2: they must be
/// identical; a follow-up without <c>limit</c> keeps the token's). The token only moves through the results of
/// the same request, which are evaluated again for every page: it can skip nothing that authorization decides.
/// </summary>
internal sealed class SearchPaging(TenantContext tenant)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const string KeyPurpose = "authzen-search-page-token";

    private const byte Version = 1;
    private const int DataLength = 10;   // version, kind, offset (4), limit (4)
    private const int MacLength = 16;

    private readonly byte[] key = tenant.DeriveKey(KeyPurpose);

    /// <summary>The window <paramref name="request"/> asks for; its <c>page</c> unreadable or its token not ours for it is 400 INVALID_REQUEST.</summary>
    public SearchWindow Open(AuthZenSearchKind kind, JsonElement request)
    {
        var hash = CanonicalJson.Hash(
            AuthZenReader.Member(request, "subject"), AuthZenReader.Member(request, "action"),
            AuthZenReader.Member(request, "resource"), AuthZenReader.Member(request, "context"));
        int? limit = null;
        string? token = null;
        if (AuthZenReader.Member(request, "page") is { } page)
        {
            if (page.ValueKind != JsonValueKind.Object)
                throw Invalid("page must be an object");
            limit = AuthZenReader.Member(page, "limit") switch
            {
                null => null,
                { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var l) && l >= 0 => l,
                _ => throw Invalid("page.limit must be a non-negative integer"),
            };
            token = AuthZenReader.Member(page, "token") switch
            {
                null => null,
                { ValueKind: JsonValueKind.String } t => t.GetString(),
                _ => throw Invalid("page.token must be a string"),
            };
        }
        if (string.IsNullOrEmpty(token))
            return new SearchWindow(kind, hash, 0, limit ?? DefaultLimit);

        if (!TryRead(token, kind, hash, out var offset, out var tokenLimit))
            throw Invalid("page.token is not a token of this search");
        if (limit is { } changed && changed != tokenLimit)
            throw Invalid("page.limit must stay the same from page to page");
        return new SearchWindow(kind, hash, offset, tokenLimit);
    }

    /// <summary>The results of <paramref name="window"/> and its <c>page</c>: <c>next_token</c> empty on the last page, the count of this page and the total.</summary>
    public (IReadOnlyList<T> Results, AuthZenPage Page) Cut<T>(SearchWindow window, IReadOnlyList<T> all)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(all);
        var size = Math.Min(window.Limit, MaxLimit);
        var start = Math.Min(window.Offset, all.Count);
        var results = all.Skip(start).Take(size).ToList();
        var next = start + results.Count;
        var token = size > 0 && next < all.Count ? Issue(window with { Offset = next }) : "";
        return (results, new AuthZenPage(token, results.Count, all.Count));
    }

    private string Issue(SearchWindow window)
    {
        Span<byte> token = stackalloc byte[DataLength + MacLength];
        token[0] = Version;
        token[1] = (byte)window.Kind;
        BinaryPrimitives.WriteInt32BigEndian(token[2..], window.Offset);
        BinaryPrimitives.WriteInt32BigEndian(token[6..], window.Limit);
        Mac(token[..DataLength], window.RequestHash, token[DataLength..]);
        return Base64Url.EncodeToString(token);
    }

    private bool TryRead(string text, AuthZenSearchKind kind, byte[] hash, out int offset, out int limit)
    {
        (offset, limit) = (0, 0);
        Span<byte> token = stackalloc byte[DataLength + MacLength];
        if (text.Length > 64 || Base64Url.DecodeFromChars(text, token, out var read, out var length) != OperationStatus.Done
            || read != text.Length || length != token.Length)
            return false;
        Span<byte> mac = stackalloc byte[MacLength];
        Mac(token[..DataLength], hash, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, token[DataLength..]) || token[0] != Version || token[1] != (byte)kind)
            return false;
        offset = BinaryPrimitives.ReadInt32BigEndian(token[2..]);
        limit = BinaryPrimitives.ReadInt32BigEndian(token[6..]);
        return offset >= 0 && limit >= 0;
    }

    private void Mac(ReadOnlySpan<byte> data, byte[] requestHash, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[DataLength + 32];
        data.CopyTo(input);
        requestHash.CopyTo(input[DataLength..]);
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, input, full);
        full[..MacLength].CopyTo(destination);
    }

    private static SecretsProblem Invalid(string detail) => new(ErrorCode.InvalidRequest, detail: detail);
}
