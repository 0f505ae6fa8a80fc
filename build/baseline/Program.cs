// Bare Kestrel baselines for build/bench.sh, with none of the application:
//   GET /api/secrets/value      the same framework (WebApplication, routing) and the same answer as the
//                               service's /api/secrets/value: what the service is compared with;
//   GET /v1/secret/data/<path>  a fixed KVv2-shaped answer, as a Vault server gives it;
//   GET /hop/api/secrets/value  the floor of a provider-backed read: one HttpClient call from this
//                               process to its own /v1/secret/data/bench/app, its JSON read, the key
//                               answered. The service's KVv2 read makes the same hop to its embedded server.
// The listen address comes from --urls on the command line, like any ASP.NET Core app.
using System.Text;
using System.Text.Json;

var builder = WebApplication.CreateBuilder(args);
// The framework default (Information) would log two lines per request; a bare app logs none.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
var self = new Uri((builder.Configuration["urls"] ?? "http://127.0.0.1:5000").Split(';')[0]);

var app = builder.Build();
var body = Encoding.UTF8.GetBytes("""{"uri":"yaml://secret/env#MY_API_KEY","version":null,"value":"dev-api-key-change-me"}""");
var kv2 = Encoding.UTF8.GetBytes("""{"request_id":"bench","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{"token":"bench-token"},"metadata":{"created_time":"2026-01-01T00:00:00.000000000Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}},"wrap_info":null,"warnings":null,"auth":null}""");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10 }) { BaseAddress = self };

app.MapGet("/api/secrets/value", () => Results.Bytes(body, "application/json; charset=utf-8"));
app.MapGet("/v1/secret/data/{**path}", () => Results.Bytes(kv2, "application/json"));
app.MapGet("/hop/api/secrets/value", async (CancellationToken ct) =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/secret/data/bench/app");
    request.Headers.Add("X-Vault-Token", "root");
    using var response = await http.SendAsync(request, ct);
    response.EnsureSuccessStatusCode();
    using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
    var token = json.RootElement.GetProperty("data").GetProperty("data").GetProperty("token").GetString();
    return Results.Json(new { uri = "openbao+kv2://secret/bench/app#token", version = 1, value = token });
});
app.Run();
