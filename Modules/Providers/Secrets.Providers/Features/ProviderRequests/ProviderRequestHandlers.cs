using MassTransit.Mediator;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ProviderRequests;

// The mediator doors of Providers.Contracts. Callers have authorised the URI already; these only
// reach the store, and turn failures into values.

internal sealed class ReadSecretHandler(KvStoreRegistry stores) : MediatorRequestHandler<ReadSecret, SecretRead>
{
    protected override async Task<SecretRead> Handle(ReadSecret request, CancellationToken ct)
    {
        try
        {
            var uri = request.Uri;
            var store = stores.Require(uri, uri.Version is null ? KvCapabilities.Read : KvCapabilities.Read | KvCapabilities.PinnedRead);
            var entry = await KvOperations.ReadAsync(store, uri, ct);
            return new SecretRead(entry.Data, uri.Fragment is null ? null : entry.Select(uri.Fragment), entry.Version, null);
        }
        catch (SecretsProblem problem)
        {
            return new SecretRead(null, null, null, Failure.Of(problem.Code));
        }
    }
}

internal sealed class WriteSecretVersionHandler(KvStoreRegistry stores) : MediatorRequestHandler<WriteSecretVersion, SecretVersionWritten>
{
    protected override async Task<SecretVersionWritten> Handle(WriteSecretVersion request, CancellationToken ct)
    {
        try
        {
            var needed = KvCapabilities.Write | (request.Cas is null ? KvCapabilities.None : KvCapabilities.CheckAndSet);
            var store = stores.Require(request.Uri, needed);
            return new SecretVersionWritten(await KvOperations.WriteAsync(store, request.Uri, request.Value, request.Cas, request.Subject, ct), null);
        }
        catch (SecretsProblem problem)
        {
            return new SecretVersionWritten(null, Failure.Of(problem.Code));
        }
    }
}

internal sealed class DeleteSecretHandler(KvStoreRegistry stores) : MediatorRequestHandler<DeleteSecret, SecretDeleted>
{
    protected override async Task<SecretDeleted> Handle(DeleteSecret request, CancellationToken ct)
    {
        try
        {
            var store = stores.Require(request.Uri, request.DestroyAll ? KvCapabilities.Destroy : KvCapabilities.SoftDelete);
            await KvOperations.DeleteAsync(store, request.Uri, request.DestroyAll, ct);
            return new SecretDeleted(null);
        }
        catch (SecretsProblem problem)
        {
            return new SecretDeleted(Failure.Of(problem.Code));
        }
    }
}

internal sealed class ChangeVersionsHandler(KvStoreRegistry stores) : MediatorRequestHandler<ChangeVersions, SecretDeleted>
{
    protected override async Task<SecretDeleted> Handle(ChangeVersions request, CancellationToken ct)
    {
        try
        {
            var undelete = request.Change == VersionChange.Undelete;
            var store = stores.Require(request.Uri, undelete ? KvCapabilities.Undelete : KvCapabilities.Destroy);
            var path = KvPath.Of(request.Uri);
            if (undelete)
                await store.UndeleteAsync(path, request.Versions, ct);
            else
                await store.DestroyAsync(path, request.Versions, ct);
            return new SecretDeleted(null);
        }
        catch (SecretsProblem problem)
        {
            return new SecretDeleted(Failure.Of(problem.Code));
        }
    }
}

/// <summary>
/// The PEP's server-side read of owner and creation stamps. Not found, a prefix or a store without
/// custom metadata is an empty set; a provider failure is returned as such, never as "no attributes".
/// </summary>
internal sealed class ReadResourceAttributesHandler(KvStoreRegistry stores) : MediatorRequestHandler<ReadResourceAttributes, ResourceAttributesRead>
{
    protected override async Task<ResourceAttributesRead> Handle(ReadResourceAttributes request, CancellationToken ct)
    {
        var uri = request.Uri;
        try
        {
            var store = stores.Require(uri, KvCapabilities.Read);
            if ((store.Capabilities & KvCapabilities.CustomMetadata) == 0 || uri.IsPrefix)
                return new ResourceAttributesRead(ResourceAttributes.None);
            var metadata = await store.ReadMetadataAsync(KvPath.Of(uri), ct);
            return new ResourceAttributesRead(metadata is null ? ResourceAttributes.None : ProviderMetadata.Attributes(metadata));
        }
        catch (SecretsProblem problem)
        {
            return new ResourceAttributesRead(ResourceAttributes.None, Failure.Of(problem.Code));
        }
    }
}
