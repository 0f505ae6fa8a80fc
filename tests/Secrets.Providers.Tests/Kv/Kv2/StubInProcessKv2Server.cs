namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>An in-process KVv2 server as the Providers module sees it: an address and a token, nothing more.</summary>
public sealed class StubInProcessKv2Server(Uri baseAddress, string rootToken) : IInProcessKv2Server
{
    public Uri BaseAddress { get; } = baseAddress;

    public string RootToken { get; } = rootToken;
}
