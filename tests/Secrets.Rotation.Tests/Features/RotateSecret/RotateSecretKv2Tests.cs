using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.RotateSecret;

/// <summary>
/// Rotation on KVv2 is one check-and-set update: two service nodes rotating different keys of one path
/// at once lose none of them, because a write that lost the race to the other node is re-applied to a
/// fresh read instead of overwriting it.
/// </summary>
public sealed class RotateSecretKv2Tests : IDisposable
{
    private readonly int port = LoopbackPorts.Unused();
    private readonly SecretsHostFactory first;
    private readonly SecretsHostFactory second;

    public RotateSecretKv2Tests()
    {
        // the first node runs the embedded KVv2 server; the second one uses it as its OpenBao
        first = new SecretsHostFactory(new Dictionary<string, string?> { ["VAULT_DEV_ADDR"] = $"http://127.0.0.1:{port}" });
        second = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["OPENBAO_URL"] = $"http://127.0.0.1:{port}",
            ["OPENBAO_TOKEN"] = "root",
        });
    }

    public void Dispose()
    {
        second.Dispose();
        first.Dispose();
    }

    [Fact]
    public async Task Concurrent_rotations_of_different_keys_from_two_nodes_lose_none_of_them()
    {
        var a = first.CreateClient();
        var b = second.CreateClient();
        var path = "openbao+kv2://secret/rotate-race-" + Guid.NewGuid().ToString("N")[..8];
        var seed = new JsonObject { ["keep"] = "kept" };
        for (var i = 0; i < 12; i++)
            seed[$"K{i}"] = "before";
        await (await a.PostAsJsonAsync("/api/secrets", new { uri = path, value = seed })).ShouldBeOkJsonAsync();

        var rotations = Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? a : b).PostAsJsonAsync("/api/secrets/rotate", new { uri = $"{path}#K{i}", value = $"v{i}" }));
        foreach (var response in await Task.WhenAll(rotations))
            await response.ShouldBeOkJsonAsync();

        var stored = (await (await b.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(path)}")).ShouldBeOkJsonAsync())!;
        for (var i = 0; i < 12; i++)
            stored["value"]![$"K{i}"]!.GetValue<string>().ShouldBe($"v{i}");
        stored["value"]!["keep"]!.GetValue<string>().ShouldBe("kept");
        stored["version"]!.GetValue<int>().ShouldBe(13);   // the seed, then one new version per rotation
    }
}
