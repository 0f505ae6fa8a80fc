namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// Where one KVv2 store's server is, asked when the store is built: its address (a server started in
/// this process knows it only once it runs) and, for such a server, the token it accepts.
/// </summary>
internal sealed record Kv2Server(Func<Uri> Address, string? Token = null);
