using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer.Tests.MountDetection;

/// <summary>
/// The dev server answers the mount detection of <c>vault kv</c> / <c>bao kv</c> (<see cref="KvCliPreflight"/>) as
/// OpenBao does: a KV v2 mount says so and names itself, other engines do not claim version 2, a path under no mount
/// is the CLI's 403, and the paths the CLI builds from the answer reach the data.
/// </summary>
public sealed class MountDetectionTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    [Fact]
    public async Task Vault_kv_get_finds_secret_as_KV_v2_and_reads_through_its_data_path()
    {
        await server.Write("cli/app/db", """{"data":{"password":"pw-1"}}""");

        var (mount, version, reply) = await KvCliPreflight.DetectAsync(server, "secret/cli/app/db");
        var apiPath = KvCliPreflight.AddPrefix("secret/cli/app/db", mount!, "data");
        var read = await server.Call("GET", apiPath);

        reply.Status.ShouldBe(200);
        var data = JsonNode.Parse(reply.Body)!["data"]!;
        ((string?)data["type"]).ShouldBe("kv");
        ((string?)data["options"]!["version"]).ShouldBe("2");
        (mount, version).ShouldBe(("secret/", 2));
        apiPath.ShouldBe("secret/data/cli/app/db");
        read.Status.ShouldBe(200, read.Body);
        ((string?)JsonNode.Parse(read.Body)!["data"]!["data"]!["password"]).ShouldBe("pw-1");
    }

    [Fact]
    public async Task A_nested_mount_is_found_by_the_longest_prefix_and_each_subcommand_gets_its_own_path()
    {
        var name = "team" + Guid.NewGuid().ToString("N")[..8] + "/kv";
        (await server.Call("POST", $"sys/mounts/{name}", """{"type":"kv-v2"}""")).Status.ShouldBe(204);
        (await server.Write("app", """{"data":{"k":"v"}}""", name)).Status.ShouldBe(200);

        var (mount, version, _) = await KvCliPreflight.DetectAsync(server, name + "/app");

        (mount, version).ShouldBe((name + "/", 2));
        (await server.Call("GET", KvCliPreflight.AddPrefix(name + "/app", mount!, "data"))).Status.ShouldBe(200);
        (await server.Call("GET", KvCliPreflight.AddPrefix(name + "/app", mount!, "metadata"))).Status.ShouldBe(200);
        var list = await server.Call("LIST", KvCliPreflight.AddPrefix(name, mount!, "metadata"));
        list.Status.ShouldBe(200, list.Body);
        JsonNode.Parse(list.Body)!["data"]!["keys"]!.AsArray().Select(k => (string?)k).ShouldBe(["app"]);
    }

    [Fact]
    public async Task An_engine_that_is_not_KV_v2_does_not_claim_version_2()
    {
        var (mount, version, reply) = await KvCliPreflight.DetectAsync(server, "cubbyhole/app");

        reply.Status.ShouldBe(200);
        ((string?)JsonNode.Parse(reply.Body)!["data"]!["type"]).ShouldBe("cubbyhole");
        (mount, version).ShouldBe(("cubbyhole/", 1));
    }

    [Fact]
    public async Task A_path_under_no_mount_is_the_CLI_preflight_403()
    {
        var (mount, version, reply) = await KvCliPreflight.DetectAsync(server, "nope/app");

        (mount, version).ShouldBe((null, 0));
        reply.Status.ShouldBe(403);
        reply.Body.ShouldBe("""{"errors":["preflight capability check returned 403, please ensure client's policies grant access to path \"nope/app/\""]}""" + "\n");
    }

    [Fact]
    public async Task The_preflight_needs_the_token_like_every_other_path()
    {
        var reply = await server.Call("GET", "sys/internal/ui/mounts/secret/app", token: null);

        reply.Status.ShouldBe(403);
    }
}
