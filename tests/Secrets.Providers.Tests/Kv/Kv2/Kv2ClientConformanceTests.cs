using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>The KV v2 table through the provider's client, against the embedded dev server over HTTP (a fresh mount per case).</summary>
public sealed class Kv2ClientConformanceTests(EmbeddedKv2StoreTests.Server server)
    : Kv2ClientConformance, IClassFixture<EmbeddedKv2StoreTests.Server>
{
    private protected override Kv2ContractServer Server => server.Kv2;

    [Fact]
    public void Most_of_the_table_is_requests_the_client_sends_and_every_kind_of_call_is_among_them()
    {
        var calls = Kv2Cases.All.Select(c => Kv2ClientCall.From(c.Request)).OfType<Kv2ClientCall>().ToList();

        calls.Count.ShouldBeGreaterThanOrEqualTo(55);
        calls.Select(c => c.Operation).Distinct().Order(StringComparer.Ordinal).ShouldBe(
            ["delete", "delete-latest", "destroy", "list", "metadata-delete", "metadata-read", "metadata-write", "read", "undelete", "write"]);
    }
}
