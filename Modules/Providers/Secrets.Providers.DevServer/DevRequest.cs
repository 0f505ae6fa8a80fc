namespace Secrets.Providers.DevServer;

/// <summary>One logical request, after the HTTP layer has turned method, body and query into Vault's terms.</summary>
internal sealed record DevRequest(DevOperation Operation, string Path, VaultFields Input, string? Token);
