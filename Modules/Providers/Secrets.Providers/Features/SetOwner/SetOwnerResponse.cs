namespace Secrets.Providers.Features.SetOwner;

internal sealed record SetOwnerResponse(string Uri, string Owner);
