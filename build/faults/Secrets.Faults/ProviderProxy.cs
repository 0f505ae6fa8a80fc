using System.Globalization;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Secrets.Faults;

/// <summary>
/// WireMock.Net on 127.0.0.1:<c>port</c>: every request is proxied to the KVv2 server at <c>target</c> (a mapping of
/// the lowest priority), and its admin API (<c>/__admin/mappings</c>) takes the faults the script adds on top (a 500,
/// a 503, a delay) and removes again. Writes the ready file once it listens; runs until stopped.
/// </summary>
internal static class ProviderProxy
{
    public static async Task<int> RunAsync(string port, string target, string readyFile)
    {
        using var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{int.Parse(port, CultureInfo.InvariantCulture)}"],
            StartAdminInterface = true,
            MaxRequestLogCount = 0,
        });
        server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000).RespondWith(Response.Create().WithProxy(target));
        await File.WriteAllTextAsync(readyFile, server.Url);
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
