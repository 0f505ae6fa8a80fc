using System.Text;
using System.Text.Json.Nodes;

namespace Secrets.Host.Tests.Scopes;

/// <summary>Sending a templated request and checking the audit of a scope refusal.</summary>
public static class ScopeRequests
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, ScopeFixture f, string method, string path, string? body,
        Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), f.Fill(path, query: true));
        if (body is not null)
            request.Content = new StringContent(f.Fill(body, query: false), Encoding.UTF8, "application/json");
        adjust?.Invoke(request);
        using var cancel = new CancellationTokenSource();
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            await cancel.CancelAsync();     // an open stream: the status and headers are all we need
            response.Dispose();
        }
        else
        {
            await response.Content.LoadIntoBufferAsync();
        }
        return response;
    }

    /// <summary>Exactly one audit record for the request: AUTHZ_DENIED, deny, INSUFFICIENT_SCOPE.</summary>
    public static void ShouldBeOneScopeDenial(this IReadOnlyList<JsonNode> events, string? purpose = null)
    {
        var text = string.Join('\n', events.Select(e => e.ToJsonString()));
        events.Count.ShouldBe(1, text);
        events[0]["event_type"]!.GetValue<string>().ShouldBe("AUTHZ_DENIED", text);
        events[0]["effect"]!.GetValue<string>().ShouldBe("deny", text);
        events[0]["error_code"]!.GetValue<string>().ShouldBe("INSUFFICIENT_SCOPE", text);
        if (purpose is not null)
            events[0]["purpose"]!.GetValue<string>().ShouldBe(purpose, text);
    }
}
