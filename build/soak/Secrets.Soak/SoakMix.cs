using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Secrets.Soak;

/// <summary>
/// One kind of request of the mix: its name, its share (slots out of <see cref="SoakMix.Cycle"/>), whether the policy
/// refuses it (then 403 is the one expected answer, else any 2xx), and the request for the n-th use.
/// </summary>
internal sealed record SoakOperation(string Name, int Weight, bool Refused, Func<long, HttpRequestMessage> Request)
{
    public bool IsExpected(int status) => Refused ? status == 403 : status is >= 200 and < 300;

    public string Expected => Refused ? "403" : "2xx";
}

/// <summary>
/// The soak's mix, on a fixed set of secrets so that what the providers hold stays the same size however long it runs
/// (the embedded KVv2 server keeps 10 versions a path): reads of a YAML key and a KVv2 key, writes to 32 paths on each
/// provider, generated rotations of 8 keys on each, one-level listings of the written folders, and two kinds of refusal:
/// a subject the policy does not know reading, and the permitted subject deleting (a purpose it is not given).
/// </summary>
internal sealed class SoakMix
{
    public const int WritePaths = 32;
    public const int RotatedKeys = 8;
    private const string Kv2 = "openbao+kv2://secret/soak";
    private const string Yaml = "yaml://secret/soak";

    private readonly AuthenticationHeaderValue app;
    private readonly AuthenticationHeaderValue intruder;
    private readonly SoakOperation[] slots;

    public SoakMix(string app, string intruder)
    {
        this.app = new("Bearer", app);
        this.intruder = new("Bearer", intruder);
        Operations =
        [
            new("read-yaml", 6, false, _ => Get(Value($"{Yaml}/env#API_KEY"), this.app)),
            new("read-kv2", 5, false, _ => Get(Value($"{Kv2}/app#token"), this.app)),
            new("write-kv2", 2, false, n => Write($"{Kv2}/data/s{n % WritePaths}", $$"""{"k":"v-{{n}}"}""")),
            new("write-yaml", 1, false, n => Write($"{Yaml}/data/s{n % WritePaths}#k", $"\"v-{n}\"")),
            new("rotate-kv2", 1, false, n => Post("/api/secrets/rotate", Rotate($"{Kv2}/rot/r{n % RotatedKeys}#key"))),
            new("rotate-yaml", 1, false, n => Post("/api/secrets/rotate", Rotate($"{Yaml}/rot/r{n % RotatedKeys}#key"))),
            new("list-kv2", 1, false, _ => Get(Keys($"{Kv2}/data/*"), this.app)),
            new("list-yaml", 1, false, _ => Get(Keys($"{Yaml}/data/*"), this.app)),
            new("deny-subject", 1, true, _ => Get(Value($"{Yaml}/env#API_KEY"), this.intruder)),
            new("deny-purpose", 1, true, _ => Send(HttpMethod.Delete, "/api/secrets?uri=" + Uri.EscapeDataString($"{Kv2}/app"), null, this.app)),
        ];
        // Each operation's slots are spread over the cycle, so every second of the run has the whole mix.
        slots = Spread(Operations.Sum(o => o.Weight));
    }

    public IReadOnlyList<SoakOperation> Operations { get; }

    public int Cycle => slots.Length;

    /// <summary>The n-th request of the run: its operation and the request itself.</summary>
    public (SoakOperation Operation, HttpRequestMessage Request) Next(long n)
    {
        var operation = slots[n % slots.Length];
        return (operation, operation.Request(n / slots.Length));
    }

    /// <summary>What has to exist before the mix starts: the keys it reads and rotates, and the folders it lists.</summary>
    public IEnumerable<HttpRequestMessage> Seed()
    {
        yield return Write($"{Yaml}/env#API_KEY", "\"soak-yaml-value\"");
        yield return Write($"{Kv2}/app", """{"token":"soak-kv2-value"}""");
        for (var i = 0; i < RotatedKeys; i++)
        {
            yield return Write($"{Kv2}/rot/r{i}", """{"key":"seed"}""");
            yield return Write($"{Yaml}/rot/r{i}#key", "\"seed\"");
        }
        for (var i = 0; i < WritePaths; i++)
        {
            yield return Write($"{Kv2}/data/s{i}", """{"k":"seed"}""");
            yield return Write($"{Yaml}/data/s{i}#k", "\"seed\"");
        }
    }

    private SoakOperation[] Spread(int cycle)
    {
        // Stride scheduling: each slot goes to the operation furthest behind its share so far.
        var given = new int[Operations.Count];
        var result = new SoakOperation[cycle];
        for (var i = 0; i < cycle; i++)
        {
            var best = 0;
            var bestLag = double.MinValue;
            for (var k = 0; k < Operations.Count; k++)
            {
                var lag = ((i + 1) * Operations[k].Weight / (double)cycle) - given[k];
                if (lag > bestLag)
                    (best, bestLag) = (k, lag);
            }
            given[best]++;
            result[i] = Operations[best];
        }
        return result;
    }

    private static string Value(string uri) => "/api/secrets/value?uri=" + Uri.EscapeDataString(uri);

    private static string Keys(string uri) => "/api/secrets/keys?uri=" + Uri.EscapeDataString(uri);

    private static string Rotate(string uri) => "{\"uri\":\"" + uri + "\",\"generate\":{\"length\":32,\"alphabet\":\"alnum\"}}";

    /// <summary>POST /api/secrets of <paramref name="json"/> (a JSON value) at <paramref name="uri"/>.</summary>
    private HttpRequestMessage Write(string uri, string json) => Post("/api/secrets", "{\"uri\":\"" + uri + "\",\"value\":" + json + "}");

    private static HttpRequestMessage Get(string path, AuthenticationHeaderValue token) => Send(HttpMethod.Get, path, null, token);

    private HttpRequestMessage Post(string path, string json) => Send(HttpMethod.Post, path, json, app);

    private static HttpRequestMessage Send(HttpMethod method, string path, string? json, AuthenticationHeaderValue token)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = token;
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    public static string Describe(IEnumerable<SoakOperation> operations) =>
        string.Join(", ", operations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {o.Weight}")));
}
