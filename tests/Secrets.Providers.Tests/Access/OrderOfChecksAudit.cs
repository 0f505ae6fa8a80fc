using System.Text.Json.Nodes;

namespace Secrets.Providers.Tests.Access;

/// <summary>The audit of a request refused by one of the checks of <see cref="OrderOfChecksTests"/>.</summary>
internal static class OrderOfChecksAudit
{
    /// <summary>Exactly one record: its type (when given), effect and error code, and no decision (every refusal here comes before the PEP).</summary>
    public static void ShouldBeOne(this IReadOnlyList<JsonNode> events, string? eventType, string effect, string errorCode)
    {
        var text = string.Join('\n', events.Select(e => e.ToJsonString()));
        var e = events.ShouldHaveSingleItem(text);
        if (eventType is not null)
            e["event_type"]!.GetValue<string>().ShouldBe(eventType, text);
        e["effect"]!.GetValue<string>().ShouldBe(effect, text);
        e["error_code"]!.GetValue<string>().ShouldBe(errorCode, text);
        e["decision_id"].ShouldBeNull(text);
    }
}
