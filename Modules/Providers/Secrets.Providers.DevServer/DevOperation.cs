namespace Secrets.Providers.DevServer;

/// <summary>Vault's logical operations, from the HTTP method (and <c>?list=true</c>).</summary>
internal enum DevOperation { Read, List, Update, Delete, Patch }
