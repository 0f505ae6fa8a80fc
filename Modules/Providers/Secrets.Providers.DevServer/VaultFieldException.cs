namespace Secrets.Providers.DevServer;

/// <summary>A request field Vault's framework could not convert: always a 400.</summary>
internal sealed class VaultFieldException(string message) : Exception(message);
