// A round-robin front for several host processes (docs/ARCHITECTURE.md#replicas): every request goes to the
// next backend in turn, with no health checks (a backend that is down answers 502 for its turn), no retries
// and no caching.
//
//   dotnet Secrets.Front.dll --urls http://127.0.0.1:8080 --backends http://127.0.0.1:5001,http://127.0.0.1:5002
//   FRONT_BACKENDS=http://127.0.0.1:5001,http://127.0.0.1:5002 dotnet Secrets.Front.dll --urls http://127.0.0.1:8080
//
// Headers pass through as sent, the Host header included (RequestHeaderOriginalHost), and YARP adds
// X-Forwarded-For, -Proto, -Host and -Prefix. The hosts check a DPoP proof's htu against their
// SECRETS_PUBLIC_BASE_URL when it is set: set it to this front's public URL on every host, so a proof made
// for the front's URL is valid at whichever host answers it.
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);     // no per-request lines: the hosts log the requests
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

var backends = (builder.Configuration["backends"] ?? builder.Configuration["FRONT_BACKENDS"] ?? "")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (backends.Length == 0)
    throw new InvalidOperationException("name the backends: --backends URL[,URL…] or FRONT_BACKENDS=URL[,URL…]");
foreach (var backend in backends)
{
    if (!Uri.TryCreate(backend, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        throw new InvalidOperationException($"a backend is not an absolute http(s) URL: {backend}");
}

RouteConfig[] routes =
[
    new()
    {
        RouteId = "all",
        ClusterId = "hosts",
        Match = new RouteMatch { Path = "{**path}" },
        Transforms = [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }],
    },
];
ClusterConfig[] clusters =
[
    new()
    {
        ClusterId = "hosts",
        LoadBalancingPolicy = "RoundRobin",
        Destinations = backends.Select((address, i) => (address, i))
            .ToDictionary(b => $"host{b.i + 1}", b => new DestinationConfig { Address = b.address }),
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(60) },
    },
];
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
