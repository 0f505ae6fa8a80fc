using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.WriteSecret;

public sealed class WriteSecretTests : HostedSliceTest
{
    [Fact]
    public async Task Writing_a_map_stores_it_and_answers_the_canonical_uri()
    {
        var body = await (await Client.PostJsonAsync("/api/secrets", new { uri = " YAML://secret/svc/api ", value = new { token = "t1", n = 7 } })).ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe("yaml://secret/svc/api");
        var stored = await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/svc/api")}")).ShouldBeOkJsonAsync();
        stored["token"]!.GetValue<string>().ShouldBe("t1");
        stored["n"]!.GetValue<int>().ShouldBe(7);
        (await File.ReadAllTextAsync(Host.YamlPath)).ShouldContain("svc");
    }

    [Fact]
    public async Task Writing_one_fragment_keeps_the_other_keys()
    {
        await (await Client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/env#NEW_KEY", value = "new" })).ShouldBeOkJsonAsync();

        var stored = await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/env")}")).ShouldBeOkJsonAsync();
        stored["NEW_KEY"]!.GetValue<string>().ShouldBe("new");
        stored["MY_API_KEY"]!.GetValue<string>().ShouldBe("dev-api-key");
        stored["OTHER"]!.GetValue<string>().ShouldBe("other-value");
    }

    [Fact]
    public async Task Concurrent_fragment_writes_over_http_keep_every_key()
    {
        var writes = Enumerable.Range(0, 40).Select(i => Client.PostJsonAsync("/api/secrets", new { uri = $"yaml://secret/many#k{i}", value = $"v{i}" }));
        foreach (var response in await Task.WhenAll(writes))
            response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var stored = await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/many")}")).ShouldBeOkJsonAsync();
        stored.AsObject().Count.ShouldBe(40);
    }

    [Theory]
    [InlineData("""{"uri":"yaml://secret/env","value":"scalar-without-fragment"}""", "INVALID_VALUE")]
    [InlineData("""{"uri":"yaml://secret/env"}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":"yaml://secret/env#k","value":null}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":"","value":{"a":"b"}}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":"yaml://secret/env","value":{"a":"b"},"extra":1}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":"yaml://secret/env","value":{"a":"b"},"cas":-1}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":42,"value":{"a":"b"}}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":"yaml://secret/env","value":{"a":"b"}""", "INVALID_REQUEST")]
    [InlineData("""{"uri":"yaml://secret/env?version=2","value":{"a":"b"}}""", "AMBIGUOUS_QUERY")]
    [InlineData("""{"uri":"yaml://secret/a//b","value":{"a":"b"}}""", "ILLEGAL_SEGMENT")]
    [InlineData("""{"uri":"yaml://secret/a/*","value":{"a":"b"}}""", "INVALID_WILDCARD")]
    [InlineData("""{"uri":"yaml://elsewhere/a","value":{"a":"b"}}""", "TENANT_MOUNT_MISMATCH")]
    [InlineData("""{"uri":"yaml://secret/n","value":{"a":{"nested":"map"}}}""", "UNSUPPORTED_VALUE")]
    public async Task Bad_input_is_400_with_its_code_and_nothing_stored_changes(string json, string code)
    {
        var before = await File.ReadAllBytesAsync(Host.YamlPath);

        await (await Client.PostRawAsync("/api/secrets", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await File.ReadAllBytesAsync(Host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task Cas_is_501_on_yaml_and_checked_on_kv2()
    {
        await (await Client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/env", value = new { a = "b" }, cas = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        var first = await (await Client.PostJsonAsync("/api/secrets", new { uri = "hashicorp+kv2://secret/env", value = new { a = "b" }, cas = 0 })).ShouldBeOkJsonAsync();
        first["version"]!.GetValue<int>().ShouldBe(1);
        await (await Client.PostJsonAsync("/api/secrets", new { uri = "hashicorp+kv2://secret/env", value = new { a = "c" }, cas = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "CAS_MISMATCH");
    }

    [Fact]
    public async Task Without_any_kv2_provider_kv2_uris_are_501()
    {
        using var host = new SecretsHostFactory(SecretsHostFactory.WithoutKv2Providers);
        await (await host.CreateClient().PostJsonAsync("/api/secrets", new { uri = "hashicorp+kv2://secret/env", value = new { a = "b" } }))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
    }

    [Fact]
    public async Task A_path_through_an_existing_value_is_409_PATH_CONFLICT()
    {
        await (await Client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/env/MY_API_KEY/deeper", value = new { a = "b" } }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "PATH_CONFLICT");
    }
}
