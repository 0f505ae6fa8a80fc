using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The KV v2 table against a real OpenBao (or HashiCorp Vault): every case over raw HTTP, as the dev server runs it,
/// and the client's cases through the provider's client. <c>SECRETS_TEST_VAULT_URL</c> and
/// <c>SECRETS_TEST_VAULT_TOKEN</c> name the server and a token that may enable and disable mounts (each case gets a
/// KV v2 mount of its own), e.g. <c>bao server -dev -dev-root-token-id=root</c>. Without them each theory is reported
/// skipped with that message.
/// </summary>
[RequiresEnvironment("set SECRETS_TEST_VAULT_URL and SECRETS_TEST_VAULT_TOKEN (a token that may enable mounts) to run the KV v2 table against a real OpenBao/Vault",
    RealServerKvStoreTests.UrlVariable, RealServerKvStoreTests.TokenVariable)]
public sealed class RealServerConformanceTests : Kv2ClientConformance, IDisposable
{
    private readonly Lazy<Kv2ContractServer> server = new(() => new Kv2ContractServer(
        new Uri(Environment.GetEnvironmentVariable(RealServerKvStoreTests.UrlVariable)!.TrimEnd('/') + "/"),
        Environment.GetEnvironmentVariable(RealServerKvStoreTests.TokenVariable)!));

    private protected override Kv2ContractServer Server => server.Value;

    public static IEnumerable<object[]> Cases => Kv2Cases.Ids;

    [ContractTheory]
    [MemberData(nameof(Cases))]
    public async Task A_fresh_mount_answers_as_the_table_says(string id)
    {
        var failures = await Server.Runner.RunOnFreshMountAsync(Kv2Cases.ById(id));

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    public void Dispose()
    {
        if (server.IsValueCreated)
            server.Value.Dispose();
    }
}
