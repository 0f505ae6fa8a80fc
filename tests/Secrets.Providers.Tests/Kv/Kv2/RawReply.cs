using System.Net;
using System.Text.Json.Nodes;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>What the raw Vault API answered: status and JSON body (null when empty).</summary>
public sealed record RawReply(HttpStatusCode Status, JsonNode? Body)
{
    public JsonNode Data => Body!["data"]!;
}
