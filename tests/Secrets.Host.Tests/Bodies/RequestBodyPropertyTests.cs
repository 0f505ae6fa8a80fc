using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Secrets.Testing;
using static Secrets.Host.Tests.Bodies.RequestBodies;

namespace Secrets.Host.Tests.Bodies;

/// <summary>
/// Bad input at volume through the real host: every endpoint that reads a request body, sent generated bodies
/// (<see cref="RequestBodies"/>), never answers 500, never hangs, and never echoes a secret value:
/// <list type="bullet">
/// <item>POST /api/secrets, /api/secrets/rotate, /rollback, /copy, /move, /bulk, /undelete, /destroy-versions</item>
/// <item>DELETE /api/secrets; POST /api/secrets/metadata/owner; POST /api/secrets/approvals/{id}/approve (an id in the route, any body)</item>
/// <item>POST /api/secrets/admin/backup; POST /api/secrets/admin/restore (its body is an archive: random bytes)</item>
/// <item>the embedded PDP over AuthZEN: POST /access/v1/evaluation, /access/v1/evaluations, /access/v1/search/{subject,resource,action}</item>
/// </list>
/// The service has no grant or token endpoint of its own (tokens come from the OIDC issuer). Every answer is a 2xx,
/// or a problem+json whose <c>code</c> is one of docs/ERRORS.md and whose <c>status</c> is the answer's; no answer
/// contains the value planted in the store, nor a value sent in a request, except the rotate answer that asked for
/// the value (<c>return_value</c>). <c>SECRETS_PROPERTY_ITERATIONS</c> sets the cases per endpoint (default
/// <see cref="DefaultIterations"/>; 100,000 for a full run); the deserialisation and validation path these bodies take
/// runs 100,000 cases per endpoint in <see cref="RequestBindingPropertyTests"/>.
/// </summary>
public sealed class RequestBodyPropertyTests(BodyFuzzHost host) : IClassFixture<BodyFuzzHost>
{
    public const long DefaultIterations = 300;

    /// <summary>What one request may take at most: past it the request counts as a hang.</summary>
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(20);

    public static TheoryData<string, string> Endpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in Targets)
            data.Add(target.Method, target.Path);
        return data;
    }

    public static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SECRETS_PROPERTY_ITERATIONS"), out var n) && n > 0 ? n : DefaultIterations;

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Generated_bodies_get_a_typed_answer_and_never_a_secret_value(string method, string path)
    {
        var target = Find(method, path);
        var client = host.Client;
        await For(target).SampleAsync(async body =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Path) { Content = new ByteArrayContent(body.Bytes) };
            if (body.ContentType is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
            using var timeout = new CancellationTokenSource(RequestBound);
            using var response = await client.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            CheckAnswer(target, body, response, text);
        }, iter: Iterations);
    }

    private static void CheckAnswer(Target target, Body body, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value));
        status.ShouldNotBe(500, text);
        text.ShouldNotContain(BodyFuzzHost.StoredMarker);
        headers.ShouldNotContain(BodyFuzzHost.StoredMarker);
        headers.ShouldNotContain(RequestMarker);
        if (!ReturnsTheRequestedValue(target, body, status))
            text.ShouldNotContain(RequestMarker);

        if (status is >= 200 and < 300)
            return;
        var answer = $"{status} {response.Content.Headers.ContentType} [{text}]";
        status.ShouldBeInRange(400, 599, answer);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", answer);
        text.ShouldNotBeEmpty(answer);
        var problem = JsonNode.Parse(text)!;
        var code = problem["code"]!.GetValue<string>();
        DocumentedCodes.Value.ShouldContain(code, text);
        code.ShouldNotBe("INTERNAL_ERROR", text);
        problem["status"]!.GetValue<int>().ShouldBe(status, text);
    }

    /// <summary>A rotate that asked for its value (<c>return_value</c>) and succeeded returns the value it was sent.</summary>
    private static bool ReturnsTheRequestedValue(Target target, Body body, int status)
    {
        if (target.Path != "/api/secrets/rotate" || status is < 200 or >= 300)
            return false;
        try
        {
            // the service reads a repeated member's last occurrence (System.Text.Json's rule), so the check does too;
            // JsonNode would throw on the repetition (found at 10,000 cases: "uri" twice in an accepted rotate)
            using var document = JsonDocument.Parse(body.Bytes);
            bool? asked = null;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.NameEquals("return_value") && member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    asked = member.Value.GetBoolean();
            }
            return asked == true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The codes of docs/ERRORS.md's table: the only ones an answer may carry.</summary>
    internal static readonly Lazy<HashSet<string>> DocumentedCodes = new(() =>
        Regex.Matches(File.ReadAllText(RepoPaths.Of("docs", "ERRORS.md")), @"^\| `([A-Z_]+)` \| \d{3} \|", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal));

    [Fact]
    public void The_documented_codes_are_read_from_the_error_table()
    {
        DocumentedCodes.Value.ShouldContain("INVALID_REQUEST");
        DocumentedCodes.Value.ShouldContain("BACKUP_ARCHIVE_INVALID");
        DocumentedCodes.Value.Count.ShouldBeGreaterThan(30);
    }

    [Fact]
    public async Task The_planted_value_is_in_the_store_and_comes_back_only_from_a_value_read()
    {
        var text = await host.Client.GetStringAsync("/api/secrets/value?uri=" + Uri.EscapeDataString("yaml://team/planted#key"));
        text.ShouldContain(BodyFuzzHost.StoredMarker);
    }
}

/// <summary>
/// The host the body properties run against: YAML and the embedded KVv2 server, every use permitted, a backup key,
/// no rate limit (the properties send thousands of requests from one client), and a value planted in the store.
/// </summary>
public sealed class BodyFuzzHost : IDisposable
{
    /// <summary>The value planted in the store: no answer to a generated body may contain it.</summary>
    public const string StoredMarker = "canary-stored-2b7d4e81f0";

    private readonly SecretsHostFactory factory = new(
        new Dictionary<string, string?>
        {
            ["RATE_LIMIT_PER_CLIENT_RPS"] = "0",
            ["BACKUP_KEY"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef")),
        },
        yamlContent: SecretsHostFactory.SampleYaml + $"\n  planted:\n    key: \"{StoredMarker}\"\n");

    public BodyFuzzHost() => Client = factory.CreateClient();

    public HttpClient Client { get; }

    public IServiceProvider Services => factory.Services;

    public void Dispose() => factory.Dispose();
}
