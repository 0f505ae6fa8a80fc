using System.Text.Json.Nodes;

namespace Secrets.Rotation.Tests.Features.BulkOperations;

internal static class BulkResultAssertions
{
    /// <summary>Checks one bulk result; <paramref name="uri"/> is checked only when given.</summary>
    public static void ShouldBeResult(this JsonNode result, int index, string op, int status, string? code, string? uri = null)
    {
        var text = result.ToJsonString();
        result["index"]!.GetValue<int>().ShouldBe(index, text);
        result["op"]!.GetValue<string>().ShouldBe(op, text);
        result["status"]!.GetValue<int>().ShouldBe(status, text);
        result.Str("code").ShouldBe(code, text);
        if (uri is not null)
            result.Str("uri").ShouldBe(uri, text);
    }
}
