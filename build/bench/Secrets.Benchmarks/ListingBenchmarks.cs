using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Secrets.Testing;

namespace Secrets.Benchmarks;

/// <summary>
/// What a permission-filtered listing costs: <c>GET /api/secrets/metadata</c> of a prefix with 1,000 YAML secrets below
/// it (two folders of 500), one page of 100, through the whole host on Kestrel (dev profile, authorization on, no rate
/// limit), client and server in this process. The caller may see the 500 of <c>team-a</c>. Cases:
/// <list type="bullet">
/// <item><c>Unfiltered</c>: <c>LISTING_FILTER=off</c>, the listing decided on its prefix (a grant hit) and all 1,000 shown: the baseline;</item>
/// <item><c>Search</c>: filtered by the embedded PDP's resource search (one question for the listing);</item>
/// <item><c>Batched</c>: filtered by batched evaluations of the 1,000 names (10 calls of 100), because an owner rule
/// (<c>when</c>) in reach keeps the resource search from answering.</item>
/// </list>
/// <see cref="Setup"/> checks each case is what its name says: the total shown, the <c>filtered</c> flag and the PDP
/// evaluations one listing makes.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ListingBenchmarks
{
    public const string CheckPrefix = "LISTING check";
    public const string MetadataPath = "/api/secrets/metadata?prefix=yaml%3A%2F%2Fsecret%2Flist%2F%2A&limit=100";

    private const int Folders = 2;
    private const int PerFolder = 500;
    private const int WarmupRequests = 200;

    private SecretsHostFactory? host;
    private HttpClient client = null!;

    [Params("Unfiltered", "Search", "Batched")]
    public string Case { get; set; } = "Unfiltered";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        client?.Dispose();
        host?.Dispose();
    }

    [Benchmark]
    public async Task<int> Metadata()
    {
        using var response = await client.GetAsync(MetadataPath);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body.Length : throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
    }

    private async Task SetupAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "dev",
            ["ENABLE_AUTHORIZATION"] = "true",
            ["RATE_LIMIT_PER_CLIENT_RPS"] = "0",
            ["LISTING_FILTER"] = Case == "Unfiltered" ? "off" : "pdp",
            ["AUDIT_LOG"] = "failures",
        };
        host = new SecretsHostFactory(settings, Yaml(), Policies(Case)).OnKestrel();
        host.StartServer();
        client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = host.ClientOptions.BaseAddress };

        long evaluations;
        JsonNode page;
        using (var pdp = new PdpEvaluations())
        {
            var response = await client.GetAsync(MetadataPath);
            page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            evaluations = pdp.Count;
        }
        var problems = new List<string>();
        var (total, filtered, expectedEvaluations) = Case switch
        {
            "Unfiltered" => (Folders * PerFolder, false, 1L),
            "Search" => (PerFolder, true, 0L),
            _ => (PerFolder, true, (long)Folders * PerFolder / 100),
        };
        if (page["total"]?.GetValue<int>() != total)
            problems.Add($"total {page["total"]}, expected {total}");
        if (page["filtered"]?.GetValue<bool>() != filtered)
            problems.Add($"filtered {page["filtered"]}, expected {filtered}");
        if (page["items"]?.AsArray().Count != 100)
            problems.Add($"{page["items"]?.AsArray().Count} items, expected 100");
        if (evaluations != expectedEvaluations)
            problems.Add($"{evaluations} PDP evaluations for one listing, expected {expectedEvaluations}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{CheckPrefix} [{Case}] setup: total {page["total"]}, filtered {page["filtered"]}, {evaluations} PDP evaluations: {(problems.Count == 0 ? "OK" : "FAILED: " + string.Join("; ", problems))}"));
        if (problems.Count > 0)
            throw new InvalidOperationException($"{CheckPrefix} [{Case}] failed: {string.Join("; ", problems)}");
        for (var i = 0; i < WarmupRequests; i++)
            await Metadata();
    }

    /// <summary>secret/list/team-a/s000 … team-b/s499, one key each.</summary>
    private static string Yaml()
    {
        var text = new StringBuilder("secret:\n  list:\n");
        foreach (var folder in new[] { "team-a", "team-b" })
        {
            text.Append("    ").Append(folder).Append(":\n");
            for (var i = 0; i < PerFolder; i++)
                text.Append(CultureInfo.InvariantCulture, $"      s{i:D3}:\n        k: v\n");
        }
        return text.ToString();
    }

    private static string Policies(string benchCase) => benchCase switch
    {
        "Unfiltered" => """
            version: 1
            rules:
              - id: list-everything
                resources: ["yaml://secret/list/*"]
                purposes: [read_metadata]
                obligations: {ttl_seconds: 86400, max_uses: 1000000000}
            """,
        "Search" => """
            version: 1
            rules:
              - id: team-a
                resources: ["yaml://secret/list/team-a/*"]
                purposes: [read_metadata]
            """,
        _ => """
            version: 1
            rules:
              - id: team-a
                resources: ["yaml://secret/list/team-a/*"]
                purposes: [read_metadata]
              - id: owners
                resources: ["yaml://secret/*"]
                purposes: [read_metadata]
                when: {owner: $subject}
            """,
    };
}
