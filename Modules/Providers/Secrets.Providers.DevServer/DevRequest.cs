using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer;

/// <summary>
/// One logical request, after the HTTP layer has turned method, body and query into OpenBao's terms:
/// <paramref name="Input"/> is the JSON body or the query (<paramref name="FromQuery"/>: every value a
/// string, a repeated parameter a list of them).
/// </summary>
internal sealed record DevRequest(DevOperation Operation, string Path, JsonObject Input, bool FromQuery, string? Token);
