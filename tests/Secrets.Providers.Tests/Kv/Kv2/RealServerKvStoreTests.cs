using Secrets.Providers.Kv;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The versioned contract against a real OpenBao or HashiCorp Vault: <c>SECRETS_TEST_VAULT_URL</c>
/// and <c>SECRETS_TEST_VAULT_TOKEN</c> (a token that may write below <c>secret/contract/</c> and
/// its metadata; <c>SECRETS_TEST_VAULT_MOUNT</c> names another KVv2 mount). Without them every test
/// here is reported skipped with that message (see <see cref="ContractFactAttribute"/>); nothing
/// else in the repository is skipped but <see cref="RealServerConformanceTests"/>, for the same reason.
/// Try it with <c>bao server -dev -dev-root-token-id=root</c>.
/// </summary>
[RequiresEnvironment("set SECRETS_TEST_VAULT_URL and SECRETS_TEST_VAULT_TOKEN to run against a real OpenBao/Vault", UrlVariable, TokenVariable)]
public sealed class RealServerKvStoreTests : VersionedKvStoreContract, IDisposable
{
    public const string UrlVariable = "SECRETS_TEST_VAULT_URL";
    public const string TokenVariable = "SECRETS_TEST_VAULT_TOKEN";
    public const string MountVariable = "SECRETS_TEST_VAULT_MOUNT";

    private readonly Lazy<Kv2ContractServer> server = new(() => new Kv2ContractServer(
        new Uri(Environment.GetEnvironmentVariable(UrlVariable)!.TrimEnd('/') + "/"),
        Environment.GetEnvironmentVariable(TokenVariable)!,
        MountFromEnvironment));

    private static string MountFromEnvironment =>
        Environment.GetEnvironmentVariable(MountVariable) is { Length: > 0 } mount ? mount.Trim('/') : "secret";

    protected override string Mount => MountFromEnvironment;

    private protected override Task<IKvStore> CreateStoreAsync() => Task.FromResult(server.Value.Store);

    protected override Task ConfigureMaxVersionsAsync(string path, int maxVersions) => server.Value.ConfigureMaxVersionsAsync(path, maxVersions);

    public void Dispose()
    {
        if (server.IsValueCreated)
            server.Value.Dispose();
    }
}
