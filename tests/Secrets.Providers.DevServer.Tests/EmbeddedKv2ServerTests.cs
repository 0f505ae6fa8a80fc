using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Secrets.Providers.DevServer.Tests;

/// <summary>
/// The embedded dev server over raw HTTP, checked against what <c>bao server -dev</c> answers:
/// status codes, envelopes and error bodies byte for byte where Vault's are fixed.
/// </summary>
public sealed class EmbeddedKv2ServerTests(DevServerFixture vault) : IClassFixture<DevServerFixture>
{
    private const string EmptyErrors = "{\"errors\":[]}\n";
    private static readonly string[] EnvelopeFields =
        ["request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth"];

    private static string Unique(string name) => $"t{Guid.NewGuid():N}/{name}";

    private string Now => vault.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ");

    // ---- binding and lifecycle -----------------------------------------------------------

    [Fact]
    public void Port_zero_binds_a_free_loopback_port_and_exposes_the_bound_address()
    {
        vault.Server.IsRunning.ShouldBeTrue();
        vault.Server.BaseAddress.Scheme.ShouldBe("http");
        vault.Server.BaseAddress.Host.ShouldBe("127.0.0.1");
        vault.Server.BaseAddress.Port.ShouldBeGreaterThan(0);
        vault.Server.RootToken.ShouldBe("root");
    }

    [Theory]
    [InlineData("http://0.0.0.0:8200")]
    [InlineData("http://10.0.0.5:8200")]
    [InlineData("http://192.168.1.10:0")]
    [InlineData("http://[::]:8200")]
    [InlineData("http://example.com:8200")]
    [InlineData("http://127.0.0.1.nip.io:8200")]
    public void Non_loopback_bind_address_is_refused(string address)
    {
        var create = () => new EmbeddedKv2Server(new EmbeddedKv2Options(address), TimeProvider.System);

        create.ShouldThrow<ArgumentException>().Message.ShouldContain("only binds to a loopback address");
    }

    [Theory]
    [InlineData("https://127.0.0.1:8200")]
    [InlineData("127.0.0.1:8200")]
    [InlineData("http://127.0.0.1:8200/v1")]
    [InlineData("not a url")]
    public void Address_that_is_not_a_plain_http_url_is_refused(string address)
    {
        var create = () => new EmbeddedKv2Server(new EmbeddedKv2Options(address), TimeProvider.System);

        create.ShouldThrow<ArgumentException>().Message.ShouldContain("embedded KVv2 dev server");
    }

    [Fact]
    public void Empty_root_token_is_refused()
    {
        var create = () => new EmbeddedKv2Server(new EmbeddedKv2Options("http://127.0.0.1:0", ""), TimeProvider.System);

        create.ShouldThrow<ArgumentException>();
    }

    [Fact]
    public void Defaults_are_those_of_bao_server_dev()
    {
        var options = new EmbeddedKv2Options();

        options.Address.ShouldBe("http://127.0.0.1:8200");
        options.RootToken.ShouldBe("root");
        options.ResolveLoopbackEndpoint().ShouldBe(new IPEndPoint(IPAddress.Loopback, 8200));
        new EmbeddedKv2Options("http://[::1]:0").ResolveLoopbackEndpoint().Address.ShouldBe(IPAddress.IPv6Loopback);
        new EmbeddedKv2Options("http://127.0.0.2:0").ResolveLoopbackEndpoint().Address.ShouldBe(IPAddress.Parse("127.0.0.2"));
    }

    [Fact]
    public async Task Localhost_binds_ipv4_loopback_and_stopping_closes_the_listener()
    {
        var server = new EmbeddedKv2Server(new EmbeddedKv2Options("http://localhost:0", "other-token"), TimeProvider.System);
        await using (server)
        {
            Should.Throw<InvalidOperationException>(() => server.BaseAddress);
            await server.StartAsync(CancellationToken.None);
            var address = server.BaseAddress;
            address.Host.ShouldBe("127.0.0.1");
            using var http = new HttpClient { BaseAddress = address };
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/secret/data/x");
            request.Headers.Add("X-Vault-Token", "other-token");
            (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

            await server.StopAsync(CancellationToken.None);

            server.IsRunning.ShouldBeFalse();
            Should.Throw<InvalidOperationException>(() => server.BaseAddress);
            using var probe = new TcpClient();
            await Should.ThrowAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, address.Port));
        }
    }

    [Fact]
    public async Task A_stopped_server_starts_again_with_its_data()
    {
        await using var server = new EmbeddedKv2Server(new EmbeddedKv2Options("http://127.0.0.1:0"), TimeProvider.System);
        await server.StartAsync(CancellationToken.None);
        await server.StartAsync(CancellationToken.None);   // idempotent
        await Send(server, HttpMethod.Post, "v1/secret/data/app", """{"data":{"k":"kept"}}""");

        await server.StopAsync(CancellationToken.None);
        await server.StartAsync(CancellationToken.None);

        var body = await Send(server, HttpMethod.Get, "v1/secret/data/app");
        JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("data").GetProperty("k").GetString().ShouldBe("kept");
    }

    private static async Task<string> Send(EmbeddedKv2Server server, HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Vault-Token", server.RootToken);
        if (json is not null)
            request.Content = new StringContent(json);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    // ---- auth, health, routing ------------------------------------------------------------

    [Fact]
    public async Task Health_needs_no_token_and_reports_an_initialized_unsealed_active_server()
    {
        var reply = await vault.Call("GET", "sys/health", token: null);

        reply.Status.ShouldBe(200);
        reply.ContentType.ShouldBe("application/json");
        VaultReply.Names(reply.Json).ShouldBe(["initialized", "sealed", "standby",
            "replication_performance_mode", "replication_dr_mode", "server_time_utc", "version", "cluster_name", "cluster_id"]);
        reply.Json.GetProperty("initialized").GetBoolean().ShouldBeTrue();
        reply.Json.GetProperty("sealed").GetBoolean().ShouldBeFalse();
        reply.Json.GetProperty("standby").GetBoolean().ShouldBeFalse();
        reply.Json.GetProperty("server_time_utc").GetInt64().ShouldBe(vault.Clock.GetUtcNow().ToUnixTimeSeconds());
        reply.Json.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Missing_token_is_403_permission_denied()
    {
        var reply = await vault.Call("GET", "secret/data/anything", token: null);

        reply.Status.ShouldBe(403);
        reply.Body.ShouldBe("{\"errors\":[\"permission denied\"]}\n");
    }

    [Theory]
    [InlineData("GET", "secret/data/anything")]
    [InlineData("POST", "secret/data/anything")]
    [InlineData("LIST", "secret/metadata/")]
    [InlineData("GET", "nowhere/data/x")]
    [InlineData("GET", "auth/token/lookup-self")]
    [InlineData("POST", "sys/mounts/other")]
    public async Task Wrong_token_is_403_everywhere_but_health(string method, string path)
    {
        var reply = await vault.Call(method, path, method == "POST" ? """{"data":{"k":"v"}}""" : null, token: "not-root");

        reply.Status.ShouldBe(403);
        reply.Errors.ShouldBe(["permission denied"]);
    }

    [Fact]
    public async Task Bearer_authorization_is_accepted_like_x_vault_token()
    {
        var reply = await vault.Call("GET", "auth/token/lookup-self", token: null, header: ("Authorization", "Bearer root"));

        reply.Status.ShouldBe(200);
    }

    [Fact]
    public async Task Lookup_self_describes_the_non_expiring_root_token()
    {
        var reply = await vault.Call("GET", "auth/token/lookup-self");

        reply.Status.ShouldBe(200);
        VaultReply.Names(reply.Json).ShouldBe(EnvelopeFields);
        var data = reply.Data;
        data.GetProperty("id").GetString().ShouldBe("root");
        data.GetProperty("policies").EnumerateArray().Select(p => p.GetString()).ShouldBe(["root"]);
        data.GetProperty("ttl").GetInt32().ShouldBe(0);
        data.TryGetProperty("renewable", out _).ShouldBeFalse();   // a root token has no lease to renew
        data.GetProperty("expire_time").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("path").GetString().ShouldBe("auth/token/root");
        data.GetProperty("orphan").GetBoolean().ShouldBeTrue();
        VaultReply.Names(data).ShouldBe(VaultReply.Names(data).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Path_under_no_mount_is_404_no_handler_for_route()
    {
        var reply = await vault.Call("GET", "nowhere/data/app");

        reply.Status.ShouldBe(404);
        reply.Body.ShouldBe("{\"errors\":[\"no handler for route \\\"nowhere/data/app\\\". route entry not found.\"]}\n");
    }

    [Theory]
    [InlineData("GET", "secret/nonsense/app", "get")]
    [InlineData("POST", "secret/app", "put")]
    [InlineData("DELETE", "secret/app", "delete")]
    [InlineData("LIST", "secret/", "list")]
    public async Task Unknown_path_inside_a_mount_is_a_raw_404_naming_the_bao_kv_command(string method, string path, string command)
    {
        var reply = await vault.Call(method, path, method == "POST" ? """{"k":"v"}""" : null);

        reply.Status.ShouldBe(404);
        reply.Body.ShouldNotEndWith("\n");
        reply.Json.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null);
        reply.Json.GetProperty("warnings").EnumerateArray().Single().GetString().ShouldBe(
            $"Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the OpenBao CLI, use 'bao kv {command}' for this operation.");
    }

    [Theory]
    [InlineData("GET", "secret/destroy/x")]
    [InlineData("GET", "secret/undelete/x")]
    [InlineData("DELETE", "secret/delete/x")]
    [InlineData("LIST", "secret/data/x")]
    [InlineData("DELETE", "secret/config")]
    [InlineData("PUT", "sys/mounts")]
    public async Task Unsupported_method_on_a_known_route_is_405(string method, string path)
    {
        var reply = await vault.Call(method, path, method is "PUT" ? "{}" : null);

        reply.Status.ShouldBe(405);
        reply.Errors.ShouldBe(["1 error occurred:\n\t* unsupported operation\n\n"]);
    }

    [Fact]
    public async Task Http_method_vault_does_not_know_is_405_with_empty_errors()
    {
        var reply = await vault.Call("COPY", "secret/data/x");

        reply.Status.ShouldBe(405);
        reply.Body.ShouldBe(EmptyErrors);
    }

    [Theory]
    [InlineData("{\"data\":", "unexpected EOF")]
    [InlineData("{\"data\":\"unterminated", "unexpected EOF")]
    [InlineData("{data: 1}", "invalid character 'd'")]   // Decoder.tokenError names no context at an object's start
    [InlineData("{\"data\":{}, x}", "invalid character 'x' looking for beginning of object key string")]
    [InlineData("{\"data\":{\"a\":1,}}", "invalid character '}' looking for beginning of object key string")]
    [InlineData("{\"data\":[1 2]}", "invalid character '2' after array element")]
    [InlineData("{\"data\":{\"a\":1 \"b\":2}}", "invalid character '\"' after object key:value pair")]
    [InlineData("{\"data\":tru}", "invalid character '}' in literal true (expecting 'e')")]
    [InlineData("{\"data\":-x}", "invalid character 'x' in numeric literal")]
    [InlineData("{\"data\":1.}", "invalid character '}' after decimal point in numeric literal")]
    [InlineData("{\"data\":1e}", "invalid character '}' in exponent of numeric literal")]
    [InlineData("{\"data\":\"a\\qb\"}", "invalid character 'q' in string escape code")]
    [InlineData("{\"data\":\"a\nb\"}", "invalid character '\\n' in string literal")]
    [InlineData("{}}", "invalid character '}' looking for beginning of value")]
    [InlineData("[1,2]", "json: cannot unmarshal array into Go value of type map[string]interface {}")]
    [InlineData("\"text\"", "json: cannot unmarshal string into Go value of type map[string]interface {}")]
    [InlineData("42", "json: cannot unmarshal number into Go value of type map[string]interface {}")]
    [InlineData("true", "json: cannot unmarshal bool into Go value of type map[string]interface {}")]
    public async Task Malformed_or_non_object_json_body_is_400_in_gos_words(string body, string error)
    {
        var reply = await vault.Call("POST", $"secret/data/{Unique("bad")}", body);

        reply.Status.ShouldBe(400);
        reply.Errors.ShouldBe(["failed to decode JSON input: " + error]);
    }

    [Fact]
    public async Task A_body_of_more_than_1000_strings_keys_included_is_refused_as_too_complex()
    {
        static string Body(int pairs) => "{\"data\":{" + string.Join(",", Enumerable.Range(0, pairs).Select(i => $"\"k{i}\":\"v\"")) + "}}";

        var within = await vault.Call("POST", $"secret/data/{Unique("many")}", Body(499));   // 998 strings and "data"
        var beyond = await vault.Call("POST", $"secret/data/{Unique("many")}", Body(500));

        within.Status.ShouldBe(200);
        beyond.Status.ShouldBe(400);
        beyond.Errors.ShouldBe(["refused JSON input due to high complexity: exceeded maximum number of strings"]);
    }

    // ---- config -------------------------------------------------------------------------

    [Fact]
    public async Task Config_reads_zero_false_and_0s_by_default()
    {
        var mount = await vault.NewMount();

        var reply = await vault.Call("GET", $"{mount}/config");

        reply.Status.ShouldBe(200);
        reply.Data.GetRawText().ShouldBe("""{"cas_required":false,"delete_version_after":"0s","max_versions":0,"metadata_cas_required":false}""");
    }

    [Fact]
    public async Task Config_write_is_204_and_reads_back_with_go_duration_format()
    {
        var mount = await vault.NewMount();

        var write = await vault.Call("POST", $"{mount}/config", """{"max_versions":"5","cas_required":true,"delete_version_after":"1h30m","ignored":1}""");

        write.Status.ShouldBe(204);
        write.Body.ShouldBeEmpty();
        (await vault.Call("GET", $"{mount}/config")).Data.GetRawText()
            .ShouldBe("""{"cas_required":true,"delete_version_after":"1h30m0s","max_versions":5,"metadata_cas_required":false}""");
    }

    [Theory]
    [InlineData("POST", "config", """{"max_versions":1.5}""",
        "Field validation failed: error converting input for field \"max_versions\": '' cannot parse value as 'int': strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    [InlineData("POST", "config", """{"delete_version_after":"xd"}""",
        "Field validation failed: error converting input for field \"delete_version_after\": strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("POST", "metadata/KEY", """{"cas_required":5}""",
        "error converting input for field \"cas_required\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax")]
    [InlineData("POST", "metadata/KEY", """{"delete_version_after":"abc"}""",
        "error converting input for field \"delete_version_after\": time: invalid duration \"abc\"")]
    [InlineData("POST", "metadata/KEY", """{"delete_version_after":true}""",
        "error converting input for field \"delete_version_after\": could not parse duration from input")]
    [InlineData("POST", "metadata/KEY", """{"custom_metadata":"x"}""",
        "error converting input for field \"custom_metadata\": '' expected type 'map[string]interface {}', got unconvertible type 'string'")]
    [InlineData("PATCH", "metadata/KEY", """{"custom_metadata":5}""",
        "Field validation failed: error converting input for field \"custom_metadata\": '' expected type 'map[string]interface {}', got unconvertible type 'json.Number'")]
    [InlineData("POST", "delete/KEY", """{"versions":"1,x"}""",
        "Field validation failed: error converting input for field \"versions\": '[1]' cannot parse value as 'int': strconv.ParseInt: invalid syntax")]
    [InlineData("POST", "destroy/KEY", """{"versions":[{"a":1}]}""",
        "Field validation failed: error converting input for field \"versions\": '[0]' expected type 'int', got unconvertible type 'map[string]interface {}'")]
    [InlineData("GET", "data/KEY?version=1&version=2", null,
        "Field validation failed: error converting input for field \"version\": '' expected type 'int', got unconvertible type '[]string'")]
    [InlineData("POST", "data/KEY", """{"data":{"a":"1"},"options":"x"}""",
        "error converting input for field \"options\": '' expected type 'map[string]interface {}', got unconvertible type 'string'")]
    public async Task Fields_that_do_not_convert_are_400_in_openbaos_words(string method, string path, string? body, string error)
    {
        var mount = await vault.NewMount();

        var reply = await vault.Call(method, $"{mount}/{path.Replace("KEY", Unique("app"), StringComparison.Ordinal)}", body,
            contentType: method == "PATCH" ? "application/merge-patch+json" : "application/json");

        reply.Status.ShouldBe(400);
        reply.Errors.ShouldBe([error]);
    }

    [Fact]
    public async Task Fields_convert_weakly_as_mapstructure_does()
    {
        var mount = await vault.NewMount();

        (await vault.Call("POST", $"{mount}/config", """{"max_versions":"0x10","cas_required":"t","delete_version_after":"2d"}""")).Status.ShouldBe(204);

        (await vault.Call("GET", $"{mount}/config")).Data.GetRawText()
            .ShouldBe("""{"cas_required":true,"delete_version_after":"48h0m0s","max_versions":16,"metadata_cas_required":false}""");
    }

    // ---- data ---------------------------------------------------------------------------

    [Fact]
    public async Task Write_answers_200_with_the_new_versions_metadata()
    {
        var path = Unique("app");

        var first = await vault.Write(path, """{"data":{"k":"v1"},"unknown_field":true}""");
        var second = await vault.Write(path, """{"data":{"k":"v2"}}""");

        VaultReply.Names(first.Json).ShouldBe(EnvelopeFields);
        first.Data.GetRawText().ShouldBe($$$"""{"created_time":"{{{Now}}}","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}""");
        second.Data.GetProperty("version").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Read_returns_the_vault_envelope_with_data_and_metadata()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"zeta":"last","alpha":{"n":1.50,"list":[3,"x",null]},"flag":true}}""");

        var reply = await vault.Call("GET", $"secret/data/{path}");

        reply.Status.ShouldBe(200);
        VaultReply.Names(reply.Json).ShouldBe(EnvelopeFields);
        reply.Json.GetProperty("request_id").GetString().ShouldNotBeNullOrEmpty();
        reply.Json.GetProperty("lease_id").GetString().ShouldBe("");
        reply.Json.GetProperty("renewable").GetBoolean().ShouldBeFalse();
        reply.Json.GetProperty("lease_duration").GetInt32().ShouldBe(0);
        reply.Json.GetProperty("wrap_info").ValueKind.ShouldBe(JsonValueKind.Null);
        reply.Json.GetProperty("warnings").ValueKind.ShouldBe(JsonValueKind.Null);
        reply.Json.GetProperty("auth").ValueKind.ShouldBe(JsonValueKind.Null);
        reply.Data.GetRawText().ShouldBe(
            $$$"""{"data":{"alpha":{"list":[3,"x",null],"n":1.5},"flag":true,"zeta":"last"},"metadata":{"created_time":"{{{Now}}}","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}}""");
    }

    [Fact]
    public async Task Read_of_a_missing_path_is_404_with_empty_errors()
    {
        var reply = await vault.Call("GET", $"secret/data/{Unique("missing")}");

        reply.Status.ShouldBe(404);
        reply.Body.ShouldBe(EmptyErrors);
    }

    [Fact]
    public async Task Pinned_version_reads_that_version_and_version_zero_reads_the_current_one()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v1"}}""");
        await vault.Write(path, """{"data":{"k":"v2"}}""");

        var pinned = await vault.Call("GET", $"secret/data/{path}?version=1");
        var zero = await vault.Call("GET", $"secret/data/{path}?version=0");

        pinned.Data.GetProperty("data").GetProperty("k").GetString().ShouldBe("v1");
        pinned.Data.GetProperty("metadata").GetProperty("version").GetInt32().ShouldBe(1);
        zero.Data.GetProperty("data").GetProperty("k").GetString().ShouldBe("v2");
        zero.Data.GetProperty("metadata").GetProperty("version").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Version_beyond_the_current_one_is_404_with_empty_errors()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v1"}}""");

        var reply = await vault.Call("GET", $"secret/data/{path}?version=2");

        reply.Status.ShouldBe(404);
        reply.Body.ShouldBe(EmptyErrors);
    }

    [Theory]
    [InlineData("""{"options":{"cas":0}}""")]
    [InlineData("{}")]
    [InlineData("")]
    [InlineData("null")]
    public async Task Write_without_data_is_400_no_data_provided(string body)
    {
        var reply = await vault.Call("POST", $"secret/data/{Unique("app")}", body);

        reply.Status.ShouldBe(400);
        reply.Body.ShouldBe("{\"errors\":[\"no data provided\"]}\n");
    }

    [Fact]
    public async Task Deleting_data_soft_deletes_the_current_version_which_then_reads_404_with_its_metadata()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v1"}}""");
        var created = Now;
        await vault.Write(path, """{"data":{"k":"v2"}}""");
        vault.Clock.Advance(TimeSpan.FromSeconds(3));

        var delete = await vault.Call("DELETE", $"secret/data/{path}");
        var read = await vault.Call("GET", $"secret/data/{path}");

        delete.Status.ShouldBe(204);
        delete.Body.ShouldBeEmpty();
        read.Status.ShouldBe(404);
        VaultReply.Names(read.Json).ShouldBe(EnvelopeFields);
        read.Data.GetRawText().ShouldBe(
            $$$"""{"data":null,"metadata":{"created_time":"{{{created}}}","custom_metadata":null,"deletion_time":"{{{Now}}}","destroyed":false,"version":2}}""");
        (await vault.Call("GET", $"secret/data/{path}?version=1")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Destroyed_version_reads_404_with_destroyed_true_and_no_data()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v1"}}""");

        (await vault.Call("POST", $"secret/destroy/{path}", """{"versions":[1]}""")).Status.ShouldBe(204);
        var read = await vault.Call("GET", $"secret/data/{path}");

        read.Status.ShouldBe(404);
        read.Data.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null);
        read.Data.GetProperty("metadata").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
        read.Data.GetProperty("metadata").GetProperty("deletion_time").GetString().ShouldBe("");
    }

    [Fact]
    public async Task Deleting_a_missing_path_is_204()
    {
        (await vault.Call("DELETE", $"secret/data/{Unique("never")}")).Status.ShouldBe(204);
        (await vault.Call("POST", $"secret/delete/{Unique("never")}", """{"versions":[1]}""")).Status.ShouldBe(204);
    }

    // ---- check-and-set ------------------------------------------------------------------

    [Fact]
    public async Task Cas_zero_writes_only_when_the_path_does_not_exist()
    {
        var path = Unique("cas");

        var create = await vault.Call("POST", $"secret/data/{path}", """{"data":{"k":"v1"},"options":{"cas":0}}""");
        var again = await vault.Call("POST", $"secret/data/{path}", """{"data":{"k":"v2"},"options":{"cas":0}}""");

        create.Status.ShouldBe(200);
        again.Status.ShouldBe(400);
        again.Body.ShouldBe("{\"errors\":[\"check-and-set parameter did not match the current version\"]}\n");
    }

    [Fact]
    public async Task Stale_cas_is_400_and_the_current_version_is_kept()
    {
        var path = Unique("cas");
        await vault.Write(path, """{"data":{"k":"v1"}}""");
        await vault.Write(path, """{"data":{"k":"v2"},"options":{"cas":1}}""");

        var stale = await vault.Call("POST", $"secret/data/{path}", """{"data":{"k":"v3"},"options":{"cas":1}}""");

        stale.Status.ShouldBe(400);
        stale.Errors.ShouldBe(["check-and-set parameter did not match the current version"]);
        var current = await vault.Call("GET", $"secret/data/{path}");
        current.Data.GetProperty("metadata").GetProperty("version").GetInt32().ShouldBe(2);
        current.Data.GetProperty("data").GetProperty("k").GetString().ShouldBe("v2");
    }

    [Fact]
    public async Task Cas_matching_the_current_version_writes_the_next_one()
    {
        var path = Unique("cas");
        await vault.Write(path, """{"data":{"k":"v1"}}""");

        var reply = await vault.Call("PUT", $"secret/data/{path}", """{"data":{"k":"v2"},"options":{"cas":"1"}}""");

        reply.Status.ShouldBe(200);
        reply.Data.GetProperty("version").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Cas_required_by_the_mount_refuses_writes_without_cas()
    {
        var mount = await vault.NewMount();
        await vault.Call("POST", $"{mount}/config", """{"cas_required":true}""");

        var without = await vault.Call("POST", $"{mount}/data/app", """{"data":{"k":"v"}}""");
        var with = await vault.Call("POST", $"{mount}/data/app", """{"data":{"k":"v"},"options":{"cas":0}}""");

        without.Status.ShouldBe(400);
        without.Body.ShouldBe("{\"errors\":[\"check-and-set parameter required for this call\"]}\n");
        with.Status.ShouldBe(200);
    }

    [Fact]
    public async Task Cas_required_by_path_metadata_refuses_writes_without_cas()
    {
        var path = Unique("cas");
        (await vault.Call("POST", $"secret/metadata/{path}", """{"cas_required":true}""")).Status.ShouldBe(204);

        var without = await vault.Call("POST", $"secret/data/{path}", """{"data":{"k":"v"}}""");
        var with = await vault.Call("POST", $"secret/data/{path}", """{"data":{"k":"v"},"options":{"cas":0}}""");

        without.Status.ShouldBe(400);
        without.Errors.ShouldBe(["check-and-set parameter required for this call"]);
        with.Status.ShouldBe(200);
        with.Data.GetProperty("version").GetInt32().ShouldBe(1);
    }

    // ---- max_versions ---------------------------------------------------------------------

    [Fact]
    public async Task Mount_max_versions_prunes_the_oldest_versions_and_moves_oldest_version()
    {
        var mount = await vault.NewMount();
        await vault.Call("POST", $"{mount}/config", """{"max_versions":3}""");

        for (var i = 1; i <= 5; i++)
            await vault.Write("app", $$$"""{"data":{"n":{{{i}}}}}""", mount);

        var meta = (await vault.Call("GET", $"{mount}/metadata/app")).Data;
        meta.GetProperty("current_version").GetInt32().ShouldBe(5);
        meta.GetProperty("oldest_version").GetInt32().ShouldBe(3);
        VaultReply.Names(meta.GetProperty("versions")).ShouldBe(["3", "4", "5"]);
        var pruned = await vault.Call("GET", $"{mount}/data/app?version=2");
        pruned.Status.ShouldBe(404);
        pruned.Body.ShouldBe(EmptyErrors);
        (await vault.Call("GET", $"{mount}/data/app?version=3")).Data.GetProperty("data").GetProperty("n").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task Ten_versions_are_kept_by_default_and_oldest_version_is_zero_until_then()
    {
        var path = Unique("many");
        for (var i = 1; i <= 9; i++)
            await vault.Write(path, $$$"""{"data":{"n":{{{i}}}}}""");
        (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("oldest_version").GetInt32().ShouldBe(0);

        await vault.Write(path, """{"data":{"n":10}}""");
        await vault.Write(path, """{"data":{"n":11}}""");

        var meta = (await vault.Call("GET", $"secret/metadata/{path}")).Data;
        meta.GetProperty("oldest_version").GetInt32().ShouldBe(2);
        meta.GetProperty("versions").EnumerateObject().Count().ShouldBe(10);
        (await vault.Call("GET", $"secret/data/{path}?version=1")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Path_max_versions_applies_when_the_mount_sets_none()
    {
        var path = Unique("two");
        await vault.Call("POST", $"secret/metadata/{path}", """{"max_versions":2}""");

        for (var i = 1; i <= 4; i++)
            await vault.Write(path, $$$"""{"data":{"n":{{{i}}}}}""");

        var meta = (await vault.Call("GET", $"secret/metadata/{path}")).Data;
        meta.GetProperty("max_versions").GetInt32().ShouldBe(2);
        VaultReply.Names(meta.GetProperty("versions")).ShouldBe(["3", "4"]);
    }

    [Fact]
    public async Task The_larger_of_path_and_mount_max_versions_is_kept_as_the_kv_plugin_does()
    {
        var mount = await vault.NewMount();
        await vault.Call("POST", $"{mount}/config", """{"max_versions":4}""");
        await vault.Call("POST", $"{mount}/metadata/app", """{"max_versions":2}""");

        for (var i = 1; i <= 6; i++)
            await vault.Write("app", $$$"""{"data":{"n":{{{i}}}}}""", mount);

        VaultReply.Names((await vault.Call("GET", $"{mount}/metadata/app")).Data.GetProperty("versions")).ShouldBe(["3", "4", "5", "6"]);
    }

    // ---- delete / undelete / destroy ---------------------------------------------------------

    [Fact]
    public async Task Delete_versions_soft_deletes_exactly_those_versions()
    {
        var path = Unique("app");
        for (var i = 1; i <= 3; i++)
            await vault.Write(path, $$$"""{"data":{"n":{{{i}}}}}""");

        var reply = await vault.Call("POST", $"secret/delete/{path}", """{"versions":[1,3,99]}""");

        reply.Status.ShouldBe(204);
        (await vault.Call("GET", $"secret/data/{path}?version=1")).Status.ShouldBe(404);
        (await vault.Call("GET", $"secret/data/{path}?version=2")).Status.ShouldBe(200);
        (await vault.Call("GET", $"secret/data/{path}?version=3")).Status.ShouldBe(404);
        var versions = (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("versions");
        versions.GetProperty("1").GetProperty("deletion_time").GetString().ShouldBe(Now);
        versions.GetProperty("2").GetProperty("deletion_time").GetString().ShouldBe("");
    }

    [Fact]
    public async Task Undelete_restores_only_the_given_versions()
    {
        var path = Unique("app");
        for (var i = 1; i <= 3; i++)
            await vault.Write(path, $$$"""{"data":{"n":{{{i}}}}}""");
        await vault.Call("POST", $"secret/delete/{path}", """{"versions":[1,2,3]}""");

        var reply = await vault.Call("POST", $"secret/undelete/{path}", """{"versions":[2]}""");

        reply.Status.ShouldBe(204);
        (await vault.Call("GET", $"secret/data/{path}?version=1")).Status.ShouldBe(404);
        var restored = await vault.Call("GET", $"secret/data/{path}?version=2");
        restored.Status.ShouldBe(200);
        restored.Data.GetProperty("data").GetProperty("n").GetInt32().ShouldBe(2);
        restored.Data.GetProperty("metadata").GetProperty("deletion_time").GetString().ShouldBe("");
        (await vault.Call("GET", $"secret/data/{path}?version=3")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Destroy_is_irreversible_even_by_undelete()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"secret-1"}}""");
        await vault.Write(path, """{"data":{"k":"secret-2"}}""");
        await vault.Call("POST", $"secret/delete/{path}", """{"versions":[1]}""");

        (await vault.Call("POST", $"secret/destroy/{path}", """{"versions":[1]}""")).Status.ShouldBe(204);
        (await vault.Call("POST", $"secret/undelete/{path}", """{"versions":[1]}""")).Status.ShouldBe(204);

        var read = await vault.Call("GET", $"secret/data/{path}?version=1");
        read.Status.ShouldBe(404);
        read.Body.ShouldNotContain("secret-1");
        read.Data.GetProperty("metadata").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
        (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("versions").GetProperty("1").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
        (await vault.Call("GET", $"secret/data/{path}")).Data.GetProperty("data").GetProperty("k").GetString().ShouldBe("secret-2");
    }

    [Theory]
    [InlineData("delete", """{"versions":[]}""", "No version number provided")]
    [InlineData("delete", "{}", "No version number provided")]
    [InlineData("undelete", """{"versions":[]}""", "No version number provided")]
    [InlineData("undelete", """{"other":1}""", "No version number provided")]
    [InlineData("destroy", """{"versions":[]}""", "no version number provided")]
    [InlineData("destroy", "", "no version number provided")]
    public async Task Empty_or_missing_versions_is_400(string action, string body, string message)
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v"}}""");

        var reply = await vault.Call("POST", $"secret/{action}/{path}", body);

        reply.Status.ShouldBe(400);
        reply.Errors.ShouldBe([message]);
    }

    [Fact]
    public async Task Versions_may_be_given_as_a_comma_separated_string()
    {
        var path = Unique("app");
        for (var i = 1; i <= 3; i++)
            await vault.Write(path, $$$"""{"data":{"n":{{{i}}}}}""");

        (await vault.Call("POST", $"secret/destroy/{path}", """{"versions":"1,3"}""")).Status.ShouldBe(204);

        var versions = (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("versions");
        versions.GetProperty("1").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
        versions.GetProperty("2").GetProperty("destroyed").GetBoolean().ShouldBeFalse();
        versions.GetProperty("3").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Delete_version_after_makes_a_version_read_as_deleted_once_it_has_elapsed()
    {
        var mount = await vault.NewMount();
        await vault.Call("POST", $"{mount}/config", """{"delete_version_after":"1h"}""");
        await vault.Write("app", """{"data":{"k":"v"}}""", mount);
        var due = vault.Clock.GetUtcNow().AddHours(1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ");

        var before = await vault.Call("GET", $"{mount}/data/app");
        vault.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var after = await vault.Call("GET", $"{mount}/data/app");

        before.Status.ShouldBe(200);
        before.Data.GetProperty("metadata").GetProperty("deletion_time").GetString().ShouldBe(due);
        after.Status.ShouldBe(404);
        after.Data.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null);
        after.Data.GetProperty("metadata").GetProperty("deletion_time").GetString().ShouldBe(due);
    }

    // ---- metadata ---------------------------------------------------------------------------

    [Fact]
    public async Task Metadata_read_has_the_kv_plugins_shape()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v1"}}""");
        var first = Now;
        vault.Clock.Advance(TimeSpan.FromMilliseconds(5));
        await vault.Write(path, """{"data":{"k":"v2"}}""");

        var reply = await vault.Call("GET", $"secret/metadata/{path}");

        reply.Status.ShouldBe(200);
        VaultReply.Names(reply.Json).ShouldBe(EnvelopeFields);
        reply.Data.GetRawText().ShouldBe(
            $$$$"""{"cas_required":false,"created_time":"{{{{first}}}}","current_metadata_version":0,"current_version":2,"custom_metadata":null,"delete_version_after":"0s","max_versions":0,"metadata_cas_required":false,"oldest_version":0,"updated_time":"{{{{Now}}}}","versions":{"1":{"created_time":"{{{{first}}}}","deletion_time":"","destroyed":false},"2":{"created_time":"{{{{Now}}}}","deletion_time":"","destroyed":false}}}""");
    }

    [Fact]
    public async Task Metadata_of_a_missing_path_is_404_with_empty_errors()
    {
        var reply = await vault.Call("GET", $"secret/metadata/{Unique("missing")}");

        reply.Status.ShouldBe(404);
        reply.Body.ShouldBe(EmptyErrors);
    }

    [Fact]
    public async Task Metadata_write_creates_metadata_for_a_path_without_versions()
    {
        var path = Unique("meta-only");

        var write = await vault.Call("POST", $"secret/metadata/{path}", """{"max_versions":7,"delete_version_after":"90s","custom_metadata":{"owner":"alice"}}""");

        write.Status.ShouldBe(204);
        var meta = (await vault.Call("GET", $"secret/metadata/{path}")).Data;
        meta.GetProperty("current_version").GetInt32().ShouldBe(0);
        meta.GetProperty("max_versions").GetInt32().ShouldBe(7);
        meta.GetProperty("delete_version_after").GetString().ShouldBe("1m30s");
        meta.GetProperty("custom_metadata").GetRawText().ShouldBe("""{"owner":"alice"}""");
        meta.GetProperty("created_time").GetString().ShouldBe(Now);
        meta.GetProperty("versions").GetRawText().ShouldBe("{}");
        var read = await vault.Call("GET", $"secret/data/{path}");
        read.Status.ShouldBe(404);
        read.Body.ShouldBe(EmptyErrors);
    }

    [Fact]
    public async Task Custom_metadata_write_replaces_the_whole_map_and_shows_on_data_reads()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"k":"v"}}""");
        await vault.Call("POST", $"secret/metadata/{path}", """{"custom_metadata":{"owner":"alice","created_by":"alice"}}""");

        var write = await vault.Call("PUT", $"secret/metadata/{path}", """{"custom_metadata":{"owner":"bob"}}""");

        write.Status.ShouldBe(204);
        (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("custom_metadata").GetRawText().ShouldBe("""{"owner":"bob"}""");
        (await vault.Call("GET", $"secret/data/{path}")).Data.GetProperty("metadata").GetProperty("custom_metadata").GetRawText().ShouldBe("""{"owner":"bob"}""");
        var next = await vault.Write(path, """{"data":{"k":"v2"}}""");
        next.Data.GetProperty("custom_metadata").GetRawText().ShouldBe("""{"owner":"bob"}""");
    }

    [Fact]
    public async Task Custom_metadata_with_more_than_64_keys_is_400()
    {
        var keys = string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"k{i}\":\"v\""));

        var reply = await vault.Call("POST", $"secret/metadata/{Unique("app")}", $$$"""{"custom_metadata":{{{{keys}}}}}""");

        reply.Status.ShouldBe(400);
        reply.Errors.ShouldBe(["1 error occurred:\n\t* custom_metadata validation failed: payload must contain at most 64 keys, provided 65\n\n"]);
    }

    [Fact]
    public async Task Custom_metadata_key_and_value_length_violations_are_listed_together()
    {
        var path = Unique("app");
        var longKey = new string('k', 129);
        var longValue = new string('v', 513);

        var reply = await vault.Call("POST", $"secret/metadata/{path}",
            $$$"""{"custom_metadata":{"{{{longKey}}}":"ok","owner":"{{{longValue}}}","fine":"{{{new string('x', 512)}}}"}}""");

        reply.Status.ShouldBe(400);
        reply.Errors.ShouldBe([
            "2 errors occurred:\n" +
            $"\t* custom_metadata validation failed: length of key \"{longKey}\" is 129 but must be 0 < len(key) <= 128\n" +
            "\t* custom_metadata validation failed: length of value for key \"owner\" is 513 but must be 0 < len(value) <= 512\n\n"]);
        (await vault.Call("GET", $"secret/metadata/{path}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Metadata_delete_removes_every_version_and_the_metadata()
    {
        var folder = $"t{Guid.NewGuid():N}";
        await vault.Write($"{folder}/app", """{"data":{"k":"v1"}}""");
        await vault.Write($"{folder}/app", """{"data":{"k":"v2"}}""");

        var delete = await vault.Call("DELETE", $"secret/metadata/{folder}/app");

        delete.Status.ShouldBe(204);
        (await vault.Call("GET", $"secret/metadata/{folder}/app")).Status.ShouldBe(404);
        (await vault.Call("GET", $"secret/data/{folder}/app?version=1")).Body.ShouldBe(EmptyErrors);
        (await vault.Call("GET", $"secret/data/{folder}/app")).Body.ShouldBe(EmptyErrors);
        (await vault.Call("LIST", $"secret/metadata/{folder}")).Status.ShouldBe(404);
        var again = await vault.Write($"{folder}/app", """{"data":{"k":"fresh"}}""");
        again.Data.GetProperty("version").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Setting_cas_required_false_where_the_mount_requires_it_is_200_with_a_warning()
    {
        var mount = await vault.NewMount();
        await vault.Call("POST", $"{mount}/config", """{"cas_required":true}""");

        var reply = await vault.Call("POST", $"{mount}/metadata/app", """{"cas_required":false}""");

        reply.Status.ShouldBe(200);
        reply.Data.ValueKind.ShouldBe(JsonValueKind.Null);
        reply.Json.GetProperty("warnings").EnumerateArray().Single().GetString()
            .ShouldBe("\"cas_required\" set to false, but is mandated by backend config. This value will be ignored.");
    }

    // ---- LIST ---------------------------------------------------------------------------------

    [Fact]
    public async Task List_returns_one_level_with_folders_marked_and_sorted()
    {
        var root = $"t{Guid.NewGuid():N}";
        foreach (var path in (string[])["b", "a/c/d", "a/c/e", "a/x", "z", "a"])
            await vault.Write($"{root}/{path}", """{"data":{"k":"v"}}""");

        var top = await vault.Call("LIST", $"secret/metadata/{root}");
        var nested = await vault.Call("LIST", $"secret/metadata/{root}/a/");
        var viaGet = await vault.Call("GET", $"secret/metadata/{root}/a?list=true");
        var deeper = await vault.Call("LIST", $"secret/metadata/{root}/a/c");

        top.Status.ShouldBe(200);
        VaultReply.Names(top.Json).ShouldBe(EnvelopeFields);
        top.Data.GetRawText().ShouldBe("""{"keys":["a","a/","b","z"]}""");
        nested.Data.GetRawText().ShouldBe("""{"keys":["c/","x"]}""");
        viaGet.Status.ShouldBe(200);
        viaGet.Data.GetRawText().ShouldBe(nested.Data.GetRawText());
        deeper.Data.GetRawText().ShouldBe("""{"keys":["d","e"]}""");
    }

    [Fact]
    public async Task List_of_an_empty_or_missing_folder_is_404_with_empty_errors()
    {
        var root = $"t{Guid.NewGuid():N}";
        await vault.Write($"{root}/leaf", """{"data":{"k":"v"}}""");

        var missing = await vault.Call("LIST", $"secret/metadata/{Unique("nothing")}");
        var leaf = await vault.Call("LIST", $"secret/metadata/{root}/leaf");
        var emptyMount = await vault.Call("GET", $"{await vault.NewMount()}/metadata/?list=true");

        foreach (var reply in (VaultReply[])[missing, leaf, emptyMount])
        {
            reply.Status.ShouldBe(404);
            reply.Body.ShouldBe(EmptyErrors);
        }
    }

    [Fact]
    public async Task List_still_shows_paths_whose_versions_are_all_deleted_or_destroyed()
    {
        var root = $"t{Guid.NewGuid():N}";
        await vault.Write($"{root}/deleted", """{"data":{"k":"v"}}""");
        await vault.Write($"{root}/destroyed", """{"data":{"k":"v"}}""");
        await vault.Call("DELETE", $"secret/data/{root}/deleted");
        await vault.Call("POST", $"secret/destroy/{root}/destroyed", """{"versions":[1]}""");
        await vault.Call("POST", $"secret/metadata/{root}/metadata-only", """{"max_versions":1}""");

        var reply = await vault.Call("LIST", $"secret/metadata/{root}");

        reply.Data.GetRawText().ShouldBe("""{"keys":["deleted","destroyed","metadata-only"]}""");
    }

    [Fact]
    public async Task List_pages_with_after_and_limit_like_openbao()
    {
        var root = $"t{Guid.NewGuid():N}";
        foreach (var name in (string[])["a", "b", "c", "d"])
            await vault.Write($"{root}/{name}", """{"data":{"k":"v"}}""");

        var page = await vault.Call("LIST", $"secret/metadata/{root}?after=a&limit=2");

        page.Data.GetRawText().ShouldBe("""{"keys":["b","c"]}""");
    }

    // ---- mounts ---------------------------------------------------------------------------------

    [Fact]
    public async Task Enabling_a_kv2_mount_gives_a_new_empty_mount()
    {
        var name = "kv" + Guid.NewGuid().ToString("N")[..12];

        var enable = await vault.Call("POST", $"sys/mounts/{name}", """{"type":"kv-v2","description":"team"}""");

        enable.Status.ShouldBe(204);
        (await vault.Call("LIST", $"{name}/metadata/")).Status.ShouldBe(404);
        await vault.Write("app", """{"data":{"k":"v"}}""", name);
        (await vault.Call("GET", $"{name}/data/app")).Status.ShouldBe(200);
        (await vault.Call("GET", "secret/data/app")).Status.ShouldBe(404);
        var table = await vault.Call("GET", "sys/mounts");
        table.Data.GetProperty($"{name}/").GetProperty("type").GetString().ShouldBe("kv");
        table.Data.GetProperty($"{name}/").GetProperty("options").GetProperty("version").GetString().ShouldBe("2");
        table.Json.GetProperty($"{name}/").GetProperty("description").GetString().ShouldBe("team");
    }

    [Theory]
    [InlineData("secret", "secret/")]
    [InlineData("secret/nested", "secret/")]
    public async Task Enabling_a_path_in_use_is_400_path_already_in_use(string path, string existing)
    {
        var reply = await vault.Call("POST", $"sys/mounts/{path}", """{"type":"kv","options":{"version":"2"}}""");

        reply.Status.ShouldBe(400);
        reply.Body.ShouldBe($"{{\"errors\":[\"path is already in use at {existing}\"]}}\n");
    }

    [Fact]
    public async Task Disabling_a_mount_removes_its_data_and_enabling_it_again_starts_empty()
    {
        var mount = await vault.NewMount();
        await vault.Write("app", """{"data":{"k":"v"}}""", mount);

        var disable = await vault.Call("DELETE", $"sys/mounts/{mount}");
        var gone = await vault.Call("GET", $"{mount}/data/app");
        await vault.Call("POST", $"sys/mounts/{mount}", """{"type":"kv","options":{"version":"2"}}""");
        var fresh = await vault.Call("GET", $"{mount}/data/app");

        disable.Status.ShouldBe(204);
        gone.Status.ShouldBe(404);
        gone.Errors.ShouldBe([$"no handler for route \"{mount}/data/app\". route entry not found."]);
        fresh.Status.ShouldBe(404);
        fresh.Body.ShouldBe(EmptyErrors);
        (await vault.Call("DELETE", $"sys/mounts/{mount}-never-existed")).Status.ShouldBe(204);
    }

    [Theory]
    [InlineData("""{"type":"kv"}""", "only serves KV version 2")]
    [InlineData("""{"type":"kv-v1"}""", "only serves KV version 2")]
    [InlineData("""{"type":"transit"}""", "only serves KV version 2 secrets engines")]
    [InlineData("""{"options":{"version":"2"}}""", "backend type must be specified as a string")]
    public async Task Only_kv_version_2_engines_can_be_enabled(string body, string message)
    {
        var reply = await vault.Call("POST", $"sys/mounts/kv{Guid.NewGuid():N}", body);

        reply.Status.ShouldBe(400);
        reply.Errors.ShouldHaveSingleItem().ShouldContain(message);
    }

    [Fact]
    public async Task Cli_preflight_finds_the_mount_and_its_kv_version()
    {
        var found = await vault.Call("GET", "sys/internal/ui/mounts/secret/some/deep/path");
        var missing = await vault.Call("GET", "sys/internal/ui/mounts/nowhere/x");

        found.Status.ShouldBe(200);
        found.Data.GetProperty("path").GetString().ShouldBe("secret/");
        found.Data.GetProperty("type").GetString().ShouldBe("kv");
        found.Data.GetProperty("options").GetProperty("version").GetString().ShouldBe("2");
        missing.Status.ShouldBe(403);
    }

    // ---- concurrency, patch, time ---------------------------------------------------------------

    [Fact]
    public async Task Concurrent_writes_to_one_path_get_consecutive_versions_and_none_is_lost()
    {
        const int writers = 64;
        var path = Unique("hot");
        await vault.Call("POST", $"secret/metadata/{path}", """{"max_versions":100}""");

        var replies = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() =>
            vault.Call("POST", $"secret/data/{path}", $$$"""{"data":{"writer":{{{i}}}}}"""))));

        replies.ShouldAllBe(r => r.Status == 200);
        replies.Select(r => r.Data.GetProperty("version").GetInt32()).Order().ShouldBe(Enumerable.Range(1, writers));
        var writersSeen = new HashSet<int>();
        for (var v = 1; v <= writers; v++)
            writersSeen.Add((await vault.Call("GET", $"secret/data/{path}?version={v}")).Data.GetProperty("data").GetProperty("writer").GetInt32());
        writersSeen.Count.ShouldBe(writers);
        (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("current_version").GetInt32().ShouldBe(writers);
    }

    [Fact]
    public async Task Patch_merges_into_the_current_version_as_a_new_version()
    {
        var path = Unique("app");
        await vault.Write(path, """{"data":{"keep":"1","change":"old","drop":"x"}}""");

        var patch = await vault.Call("PATCH", $"secret/data/{path}", """{"data":{"change":"new","drop":null,"add":"y"}}""",
            contentType: "application/merge-patch+json");
        var wrongType = await vault.Call("PATCH", $"secret/data/{path}", """{"data":{"a":"b"}}""");
        var missing = await vault.Call("PATCH", $"secret/data/{Unique("none")}", """{"data":{"a":"b"}}""",
            contentType: "application/merge-patch+json");

        patch.Status.ShouldBe(200);
        patch.Data.GetProperty("version").GetInt32().ShouldBe(2);
        (await vault.Call("GET", $"secret/data/{path}")).Data.GetProperty("data").GetRawText()
            .ShouldBe("""{"add":"y","change":"new","keep":"1"}""");
        wrongType.Status.ShouldBe(415);
        missing.Status.ShouldBe(404);
    }

    [Fact]
    public async Task Timestamps_are_rfc3339_utc_from_the_time_provider_with_trailing_zeros_dropped()
    {
        var path = Unique("time");
        vault.Clock.Set(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1_234_500));
        await vault.Write(path, """{"data":{"k":"v1"}}""");
        vault.Clock.Set(new DateTimeOffset(2031, 5, 6, 7, 8, 10, TimeSpan.Zero));
        await vault.Write(path, """{"data":{"k":"v2"}}""");

        var versions = (await vault.Call("GET", $"secret/metadata/{path}")).Data.GetProperty("versions");

        versions.GetProperty("1").GetProperty("created_time").GetString().ShouldBe("2031-05-06T05:08:09.12345Z");
        versions.GetProperty("2").GetProperty("created_time").GetString().ShouldBe("2031-05-06T07:08:10Z");
    }
}
