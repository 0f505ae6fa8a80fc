namespace Secrets.Providers.Contracts;

/// <summary>
/// A KVv2 server that runs inside this process, for the KVv2 providers whose URL is <c>dev</c> (or, in dev,
/// that have none): the embedded dev server of <c>Secrets.Providers.DevServer</c>, which the host adds. The
/// Providers module knows it only through this door (docs/PROVIDERS.md#embedded-dev-kvv2-server).
/// </summary>
public interface IInProcessKv2Server
{
    /// <summary>Where it listens; known once it has started (port 0 picks a free one).</summary>
    Uri BaseAddress { get; }

    /// <summary>The one token it accepts.</summary>
    string RootToken { get; }
}
