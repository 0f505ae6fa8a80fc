using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.DevServer.Tests.Conformance;

/// <summary>
/// Every case of the KV v2 table (tests/Secrets.Testing/Kv2Conformance/kv2-cases.yaml) against the embedded dev
/// server: on a fresh server, as the table is written, and on a fresh mount of one shared server, as the
/// real-server suite runs it. A failure names its case and lists each expectation it missed.
/// </summary>
public sealed class DevServerConformanceTests(SystemClockDevServer shared) : IClassFixture<SystemClockDevServer>
{
    public static IEnumerable<object[]> Cases => Kv2Cases.Ids;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_fresh_dev_server_answers_as_OpenBao(string id)
    {
        await using var server = new EmbeddedKv2Server(new EmbeddedKv2Options("http://127.0.0.1:0", SystemClockDevServer.Token), TimeProvider.System);
        await server.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var failures = await new Kv2CaseRunner(http, SystemClockDevServer.Token).RunAsync(Kv2Cases.ById(id));

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_fresh_mount_of_a_shared_dev_server_answers_as_OpenBao(string id)
    {
        var failures = await new Kv2CaseRunner(shared.Http, SystemClockDevServer.Token).RunOnFreshMountAsync(Kv2Cases.ById(id));

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }
}
