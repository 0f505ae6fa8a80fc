using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer.Tests.NodeVault;

/// <summary>
/// A third-party Vault client, the npm package node-vault (installed by the test when missing, see
/// <see cref="NodeTooling"/>), drives the dev server over HTTP the way an application would: it writes, reads,
/// lists, patches, deletes, undeletes and destroys on the KV v2 mount, enables a mount, and meets the errors it must
/// surface. The test checks what the script printed and what the dev server holds afterwards.
/// </summary>
public sealed class NodeVaultTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    [Fact]
    public async Task Node_vault_writes_reads_lists_patches_deletes_and_destroys_on_the_dev_server()
    {
        var modules = await NodeTooling.NodeVaultModulesAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "NodeVault", "node-vault-session.js");

        var (exitCode, stdout, stderr) = await NodeTooling.RunAsync("node", [script], new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = server.Server.BaseAddress.ToString().TrimEnd('/'),
            ["VAULT_TOKEN"] = DevServerFixture.Root,
            ["NODE_PATH"] = modules,
        }, TimeSpan.FromMinutes(2));

        exitCode.ShouldBe(0, stderr);
        var steps = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToDictionary(s => (string)s["step"]!, s => s);
        JsonNode? Ok(string step)
        {
            steps.ShouldContainKey(step);
            ((bool)steps[step]["ok"]!).ShouldBeTrue($"{step}: {steps[step].ToJsonString()}");
            return steps[step]["result"];
        }
        void Refused(string step, int status, string error)
        {
            steps.ShouldContainKey(step);
            ((bool)steps[step]["ok"]!).ShouldBeFalse(step);
            ((int?)steps[step]["status"]).ShouldBe(status, step);
            ((string?)steps[step]["error"]).ShouldBe(error, step);
        }

        // what node-vault saw
        ((bool)Ok("health")!["initialized"]!).ShouldBeTrue();
        ((bool)Ok("health")!["sealed"]!).ShouldBeFalse();
        Ok("mounts")!.AsArray().Select(k => (string?)k).ShouldBe(["cubbyhole/", "identity/", "secret/", "sys/"]);
        Ok("enable-mount");
        var written = Ok("write")!;
        ((int)written["version"]!).ShouldBe(1);
        ((string?)written["deletion_time"]).ShouldBe("");
        ((bool)written["destroyed"]!).ShouldBeFalse();
        Refused("write-cas-mismatch", 400, "check-and-set parameter did not match the current version");
        Ok("read")!["data"]!.ToJsonString().ShouldBe("""{"password":"pw-1","user":"app"}""");
        ((int)Ok("read")!["metadata"]!["version"]!).ShouldBe(1);
        ((int)Ok("write-other")!).ShouldBe(1);
        Ok("list")!.AsArray().Select(k => (string?)k).ShouldBe(["cache", "db"]);
        Ok("list-get")!.AsArray().Select(k => (string?)k).ShouldBe(["app/"]);
        ((int)Ok("patch")!).ShouldBe(2);
        Ok("read-patched")!["data"]!.ToJsonString().ShouldBe("""{"password":"pw-2","role":"rw","user":"app"}""");
        Ok("read-version-1")!.ToJsonString().ShouldBe("""{"password":"pw-1","user":"app"}""");
        Ok("metadata")!.ToJsonString().ShouldBe("""{"current_version":2,"versions":["1","2"]}""");
        Ok("delete-latest");
        Refused("read-deleted", 404, "Status 404");
        Ok("undelete");
        Ok("destroy");
        Refused("read-destroyed", 404, "Status 404");
        Refused("read-without-data-prefix", 404, "Status 404");
        Refused("read-missing", 404, "Status 404");
        Refused("wrong-token", 403, "permission denied");
        Ok("delete-all");
        ((int)Ok("write-new-mount")!).ShouldBe(1);

        // what the dev server holds
        var metadata = await server.Call("GET", "secret/metadata/node/app/db");
        metadata.Status.ShouldBe(200);
        metadata.Data.GetProperty("current_version").GetInt32().ShouldBe(2);
        metadata.Data.GetProperty("versions").GetProperty("1").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
        metadata.Data.GetProperty("versions").GetProperty("2").GetProperty("deletion_time").GetString().ShouldBe("");   // undeleted
        var latest = await server.Call("GET", "secret/data/node/app/db");
        latest.Status.ShouldBe(200);
        latest.Data.GetProperty("data").GetRawText().ShouldBe("""{"password":"pw-2","role":"rw","user":"app"}""");
        (await server.Call("GET", "secret/metadata/node/app/cache")).Status.ShouldBe(404);
        (await server.Call("GET", "node-kv/data/x")).Status.ShouldBe(200);
    }
}
