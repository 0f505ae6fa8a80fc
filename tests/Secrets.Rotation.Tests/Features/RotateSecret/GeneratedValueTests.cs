using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.RotateSecret;

/// <summary>
/// POST /api/secrets/rotate with <c>generate</c> (docs/API.md#generated-values): the service draws a key's new value
/// from the CSPRNG, answers with the new version, and with the value only when <c>return_value</c> asks for it and
/// the caller may read the secret.
/// </summary>
public sealed class GeneratedValueTests : IDisposable
{
    private const string Rotate = "/api/secrets/rotate";
    private const string Path = "openbao+kv2://secret/generated/app";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public GeneratedValueTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    private async Task SeedAsync(string path = Path) =>
        await (await client.PostJsonAsync("/api/secrets", new { uri = path, value = new { token = "initial-token", user = "app" } })).ShouldBeOkJsonAsync();

    [Theory]
    [InlineData("alnum", 32, "^[A-Za-z0-9]+$")]
    [InlineData("hex", 64, "^[0-9a-f]+$")]
    [InlineData("base64url", 43, "^[A-Za-z0-9_-]+$")]
    [InlineData("symbols", 40, "^[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]+$")]
    [InlineData("alnum", 1, "^[A-Za-z0-9]$")]
    [InlineData("hex", 4096, "^[0-9a-f]+$")]
    public async Task A_generated_value_has_the_requested_length_and_alphabet_and_replaces_only_its_key(string alphabet, int length, string pattern)
    {
        await SeedAsync();

        var body = await (await client.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { length, alphabet } })).ShouldBeOkJsonAsync();

        body["version"]!.GetValue<int>().ShouldBe(2);
        body.AsObject().ContainsKey("value").ShouldBeFalse();   // not asked for
        var map = (await client.ReadValueAsync(Path))!;
        var value = map["token"]!.GetValue<string>();
        value.Length.ShouldBe(length);
        Regex.IsMatch(value, pattern).ShouldBeTrue(value.Length <= 64 ? value : pattern);
        value.ShouldNotBe("initial-token");
        map["user"]!.GetValue<string>().ShouldBe("app");
    }

    [Fact]
    public async Task Length_and_alphabet_default_to_32_alphanumeric_characters()
    {
        await SeedAsync();

        var body = await (await client.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { }, return_value = true })).ShouldBeOkJsonAsync();

        body["value"]!.GetValue<string>().ShouldMatch("^[A-Za-z0-9]{32}$");
    }

    [Fact]
    public async Task Return_value_answers_the_value_that_was_stored()
    {
        await SeedAsync();

        var body = await (await client.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { length = 24, alphabet = "hex" }, return_value = true }))
            .ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe(Path + "#token");
        body["version"]!.GetValue<int>().ShouldBe(2);
        var returned = body["value"]!.GetValue<string>();
        returned.ShouldMatch("^[0-9a-f]{24}$");
        (await client.ReadValueAsync(Path + "#token"))!.GetValue<string>().ShouldBe(returned);
    }

    [Fact]
    public async Task Every_call_draws_a_different_value()
    {
        await SeedAsync();
        var values = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 20; i++)
        {
            var body = await (await client.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { length = 16 }, return_value = true })).ShouldBeOkJsonAsync();
            values.Add(body["value"]!.GetValue<string>()).ShouldBeTrue();
        }

        values.Count.ShouldBe(20);
    }

    [Fact]
    public async Task A_symbols_value_holds_an_upper_and_lower_case_letter_a_digit_and_a_punctuation_mark()
    {
        await SeedAsync();

        for (var i = 0; i < 25; i++)
        {
            var body = await (await client.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { length = 4, alphabet = "symbols" }, return_value = true }))
                .ShouldBeOkJsonAsync();
            var value = body["value"]!.GetValue<string>();
            value.ShouldContain(c => char.IsAsciiLetterUpper(c), value);
            value.ShouldContain(c => char.IsAsciiLetterLower(c), value);
            value.ShouldContain(c => char.IsAsciiDigit(c), value);
            value.ShouldContain(c => !char.IsAsciiLetterOrDigit(c), value);
        }
    }

    [Fact]
    public async Task Concurrent_generated_rotations_of_different_keys_of_one_path_lose_none_of_them()
    {
        var keys = Enumerable.Range(0, 12).ToDictionary(i => $"K{i}", _ => "before");
        await (await client.PostJsonAsync("/api/secrets", new { uri = Path, value = keys })).ShouldBeOkJsonAsync();

        var answers = await Task.WhenAll(keys.Keys.Select(k =>
            client.PostJsonAsync(Rotate, new { uri = $"{Path}#{k}", generate = new { length = 20 }, return_value = true })));

        var returned = new Dictionary<string, string>();
        for (var i = 0; i < answers.Length; i++)
            returned[$"K{i}"] = (await answers[i].ShouldBeOkJsonAsync())["value"]!.GetValue<string>();
        var map = (await client.ReadValueAsync(Path))!.AsObject();
        map.Count.ShouldBe(12);
        foreach (var (key, value) in returned)
            map[key]!.GetValue<string>().ShouldBe(value, key);
    }

    [Fact]
    public async Task The_generated_value_is_in_no_log_line_and_no_audit_event_and_the_rotation_is_audited()
    {
        await SeedAsync();

        var body = await (await client.PostAsync(Rotate, new { uri = Path + "#token", generate = new { length = 48 }, return_value = true }, "generated-audit"))
            .ShouldBeOkJsonAsync();

        var value = body["value"]!.GetValue<string>();
        var record = (await client.AuditOfAsync("generated-audit")).ShouldHaveSingleItem();
        (record.Str("event_type"), record.Str("effect"), record.Str("purpose")).ShouldBe(("SECRET_ROTATED", "success", "rotate"));
        record["kv_version"]!.GetValue<int>().ShouldBe(2);
        record["previous_kv_version"]!.GetValue<int>().ShouldBe(1);
        record["related_decision_ids"]!.AsArray().Count.ShouldBe(1);   // the read that return_value needs, decided with the rotation
        var events = string.Join('\n', (await AuditProbe.EventsAsync(client)).Select(e => e.ToJsonString()));
        events.ShouldNotContain(value);
        host.Logs.AllText().ShouldNotContain(value);
    }

    [Theory]
    [InlineData(Path)]
    [InlineData("yaml://secret/env")]
    public async Task Generating_without_a_key_is_400_FRAGMENT_REQUIRED_and_changes_nothing(string uri)
    {
        await SeedAsync();
        var yamlBefore = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Rotate, new { uri, generate = new { length = 8 } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "FRAGMENT_REQUIRED");

        (await client.ReadValueAsync(Path + "#token"))!.GetValue<string>().ShouldBe("initial-token");
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(yamlBefore);
    }

    [Fact]
    public async Task A_yaml_key_can_be_rotated_to_a_generated_value()
    {
        var body = await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", generate = new { length = 12, alphabet = "hex" }, return_value = true }))
            .ShouldBeOkJsonAsync();

        var value = body["value"]!.GetValue<string>();
        StoredYaml.Load(host.YamlPath).Value("secret/env", "MY_API_KEY").ShouldBe(value);
        StoredYaml.Load(host.YamlPath).Value("secret/env", "OTHER").ShouldBe("other-value");
    }

    [Theory]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":{"length":0}}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":{"length":4097}}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":{"alphabet":"emoji"}}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":{"length":8,"charset":"hex"}}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":{"length":8},"value":"x"}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","value":"x","return_value":true}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":null}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/generated/app#token","generate":"alnum"}""")]
    public async Task Invalid_generate_requests_are_400_INVALID_REQUEST_and_change_nothing(string json)
    {
        await SeedAsync();

        await (await client.PostRawAsync(Rotate, json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await client.ReadValueAsync(Path + "#token"))!.GetValue<string>().ShouldBe("initial-token");
    }

    [Fact]
    public async Task Return_value_for_a_caller_who_may_rotate_but_not_read_is_403_and_rotates_nothing()
    {
        const string rotateOnly = """
            version: 1
            rules:
              - id: rotate-and-write-only
                resources: ["openbao+kv2://secret/*"]
                purposes: [rotate, write, execute]
            """;
        using var guarded = new SecretsHostFactory(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true" }, policies: rotateOnly);
        var caller = guarded.CreateClient();
        await (await caller.PostJsonAsync("/api/secrets", new { uri = Path, value = new { token = "initial-token" } })).ShouldBeOkJsonAsync();

        await (await caller.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { length = 8 }, return_value = true }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        (await caller.ReadValueAsync(Path + "#token"))!.GetValue<string>().ShouldBe("initial-token");

        var body = await (await caller.PostJsonAsync(Rotate, new { uri = Path + "#token", generate = new { length = 8 } })).ShouldBeOkJsonAsync();
        body["version"]!.GetValue<int>().ShouldBe(2);   // without return_value the rotation alone is decided, and permitted
        body.AsObject().ContainsKey("value").ShouldBeFalse();
    }
}
