using FastEndpoints;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.CopySecret;

/// <summary>
/// Copy and move (docs/API.md): a whole path to a path, or one key (fragment) to a key. The uses — read
/// on the source, write on the destination, and for a move delete on the source — are decided together
/// before any provider is touched; an existing destination is kept unless overwrite=true. The audit
/// record is about the destination and names the source.
/// </summary>
internal static class SecretRelocation
{
    public static async Task<CopySecretResponse> RunAsync(ISecretOperations secrets, BaseEndpoint endpoint, CopySecretRequest req, bool move,
        Action checkShape, CancellationToken ct)
    {
        SecretTarget[] targets = move
            ? [new(req.FromUri, Purpose.Read, KvCapabilities.Read) { IsSource = true }, new(req.ToUri, Purpose.Write, Both),
               new(req.FromUri, Purpose.Delete, KvCapabilities.SoftDelete) { IsSource = true }]
            : [new(req.FromUri, Purpose.Read, KvCapabilities.Read) { IsSource = true }, new(req.ToUri, Purpose.Write, Both)];
        var request = new SecretRequest(targets) { CheckShape = checkShape, CheckTargets = Related };
        return await secrets.RunAsync(endpoint.HttpContext.Features.GetRequiredFeature<OperationScope>(), request, async (authorized, c) =>
        {
            var (from, to) = (authorized[0], authorized[1]);
            var source = await from.ReadAsync(c);
            if (!req.Overwrite && await to.TryReadAsync(c) is not null)
                throw new SecretsProblem(ErrorCode.DestinationExists);
            var version = await to.WriteAsync(source.Value, null, c);
            if (move)
                await authorized[2].DeleteAsync(c);
            return new CopySecretResponse(from.Uri.ToString(), to.Uri.ToString(), version);
        }, ct);
    }

    /// <summary>The destination is read (does it exist?) and written.</summary>
    private const KvCapabilities Both = KvCapabilities.Read | KvCapabilities.Write;

    /// <summary>Both a path or both a key, not the same secret, and no version pin: a copy addresses the latest version.</summary>
    private static ErrorCode? Related(IReadOnlyList<CanonicalSecretUri> uris)
    {
        var (from, to) = (uris[0], uris[1]);
        if (to.Version is not null || from.Version is not null)
            return ErrorCode.AmbiguousQuery;
        return (from.Fragment is null) != (to.Fragment is null) || from == to ? ErrorCode.InvalidRequest : null;
    }
}
