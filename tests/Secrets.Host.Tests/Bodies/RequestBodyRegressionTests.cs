using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Secrets.Testing;

namespace Secrets.Host.Tests.Bodies;

/// <summary>What the body properties found, shrunk, kept as examples: each answered 500 or a bare status before.</summary>
public sealed class RequestBodyRegressionTests(BodyFuzzHost host) : IClassFixture<BodyFuzzHost>
{
    /// <summary>The bytes C3 28 FF: not UTF-8, inside a JSON string that the reader accepts until someone reads it.</summary>
    private static byte[] WithInvalidUtf8(string before, string after) =>
        [.. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(after)];

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await host.Client.PostAsync(path, content);
    }

    [Fact]
    public async Task An_authzen_batch_whose_semantic_is_not_utf8_text_is_400_INVALID_REQUEST()
    {
        // shrunk from {"options":{"evaluations_semantic":"execute_a\xC3(\xFFll"},…}: 500 INTERNAL_ERROR before
        var response = await PostAsync("/access/v1/evaluations", WithInvalidUtf8("{\"options\":{\"evaluations_semantic\":\"execute_a", "ll\"}}"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task An_authzen_evaluation_whose_subject_id_is_not_utf8_text_is_400_INVALID_REQUEST()
    {
        var response = await PostAsync("/access/v1/evaluation", WithInvalidUtf8(
            "{\"subject\":{\"type\":\"user\",\"id\":\"a", "\"},\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"secret\",\"id\":\"yaml://secret/x\"}}"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task A_secret_value_that_is_not_utf8_text_is_refused_and_nothing_is_written()
    {
        // {"uri":"yaml://secret/fuzz/utf8","value":{"k":"v\xC3(\xFF"}}: 500 INTERNAL_ERROR before (the store could not read the string)
        var response = await PostAsync("/api/secrets", WithInvalidUtf8("{\"uri\":\"yaml://secret/fuzz/utf8\",\"value\":{\"k\":\"v", "\"}}"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        (await host.Client.GetAsync("/api/secrets/value?uri=" + Uri.EscapeDataString("yaml://secret/fuzz/utf8#k"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
