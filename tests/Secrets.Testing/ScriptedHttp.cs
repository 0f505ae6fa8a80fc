using WireMock.Logging;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Secrets.Testing;

/// <summary>Scripted HTTP servers (WireMock.Net) on a free 127.0.0.1 port: starting one, JSON answers, and what it received.</summary>
public static class ScriptedHttp
{
    /// <summary>A server on http://127.0.0.1 and a port of its own, logging nothing to the console.</summary>
    public static WireMockServer Start() =>
        WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], Logger = new WireMockNullLogger() });

    /// <summary>An answer with <paramref name="status"/> and <paramref name="body"/> as application/json.</summary>
    public static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>The first value of the request header <paramref name="name"/> (any case), or null.</summary>
    public static string? Header(ILogEntry entry, string name)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
    }
}
