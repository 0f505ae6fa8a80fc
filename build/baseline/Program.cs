// Bare Kestrel baseline for build/bench.sh: the same framework (WebApplication, routing) and the
// same response shape as GET /api/secrets/value of Secrets.Host, but none of the application.
// The listen address comes from --urls on the command line, like any ASP.NET Core app.
using System.Text;

var builder = WebApplication.CreateBuilder(args);
// The framework default (Information) would log two lines per request; a bare app logs none.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

var app = builder.Build();
var body = Encoding.UTF8.GetBytes("""{"uri":"yaml://secret/env#MY_API_KEY","version":null,"value":"dev-api-key-change-me"}""");
app.MapGet("/api/secrets/value", () => Results.Bytes(body, "application/json; charset=utf-8"));
app.Run();
