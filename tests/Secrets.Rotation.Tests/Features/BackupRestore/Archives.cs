using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.BackupRestore;

/// <summary>Backup and restore over HTTP, and the archive surgery the tamper tests need (docs/BACKUP.md#format).</summary>
internal static class Archives
{
    public const string Backup = "/api/secrets/admin/backup";
    public const string Restore = "/api/secrets/admin/restore";

    /// <summary>A fresh base64 backup key.</summary>
    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static async Task<byte[]> BackupAsync(this HttpClient client, string prefix)
    {
        using var response = await client.PostJsonAsync(Backup, new { prefix });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static Task<HttpResponseMessage> RestoreAsync(this HttpClient client, byte[] archive, bool dryRun, string? correlationId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Restore}?dry_run={(dryRun ? "true" : "false")}")
        {
            Content = new ByteArrayContent(archive) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        };
        if (correlationId is not null)
            request.Headers.Add(AuditProbe.CorrelationHeader, correlationId);
        return client.SendAsync(request);
    }

    /// <summary>The restore's report: each path's URI and action, after checking that every path succeeded.</summary>
    public static async Task<Dictionary<string, string>> ActionsAsync(this HttpResponseMessage response)
    {
        var body = await response.ShouldBeOkJsonAsync();
        body["failed"]!.GetValue<int>().ShouldBe(0, body.ToJsonString());
        return body["results"]!.AsArray().ToDictionary(r => r!["uri"]!.GetValue<string>(), r => r!["action"]!.GetValue<string>());
    }

    /// <summary>Where each frame starts (its 4-byte length) and how long it is, after the header.</summary>
    public static List<(int Offset, int Length)> Frames(byte[] archive)
    {
        var at = 14 + BinaryPrimitives.ReadInt32BigEndian(archive.AsSpan(10));
        var frames = new List<(int, int)>();
        while (at < archive.Length)
        {
            var length = 4 + BinaryPrimitives.ReadInt32BigEndian(archive.AsSpan(at));
            frames.Add((at, length));
            at += length;
        }
        return frames;
    }

    public static byte[] WithoutFrame(byte[] archive, int index)
    {
        var (offset, length) = Frames(archive)[index];
        return [.. archive.AsSpan(0, offset), .. archive.AsSpan(offset + length)];
    }

    public static byte[] WithFlippedByte(byte[] archive, int position)
    {
        var copy = (byte[])archive.Clone();
        copy[position] ^= 0x01;
        return copy;
    }

    /// <summary>GET /api/secrets/metadata/detail: versions and custom metadata; null when the path has none.</summary>
    public static async Task<JsonNode?> DetailAsync(this HttpClient client, string uri)
    {
        using var response = await client.GetAsync($"/api/secrets/metadata/detail?uri={HttpAssertions.Q(uri)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        return await response.ShouldBeOkJsonAsync();
    }
}
