using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Secrets.Rotation.Archive;

/// <summary>
/// The archive's plaintext header (docs/BACKUP.md#header): what it is, who can open it (the key id, never the key)
/// and where it came from. Bound to every frame as associated data.
/// </summary>
internal sealed record ArchiveHeader(
    int Format,
    string Algorithm,
    string KeyId,
    string SourceScheme,
    string SourceMount,
    string Prefix,
    DateTimeOffset CreatedAt,
    byte[] NoncePrefix)
{
    /// <summary>The header's bytes: magic, version, length and JSON.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format", Format);
            json.WriteString("algorithm", Algorithm);
            json.WriteString("key_id", KeyId);
            json.WriteString("source_provider", SourceScheme);
            json.WriteString("source_mount", SourceMount);
            json.WriteString("prefix", Prefix);
            json.WriteString("created_at", CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("nonce_prefix", Convert.ToBase64String(NoncePrefix));
            json.WriteEndObject();
        }
        var body = buffer.ToArray();
        var bytes = new byte[ArchiveFormat.PreambleSize + body.Length];
        ArchiveFormat.Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(8), ArchiveFormat.Version);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(10), body.Length);
        body.CopyTo(bytes, ArchiveFormat.PreambleSize);
        return bytes;
    }

    /// <summary>The header JSON of a version 1 archive; null when it is not one.</summary>
    public static ArchiveHeader? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            var prefix = Convert.FromBase64String(root.GetProperty("nonce_prefix").GetString() ?? "");
            if (prefix.Length != ArchiveFormat.NoncePrefixSize)
                return null;
            return new ArchiveHeader(
                root.GetProperty("format").GetInt32(),
                root.GetProperty("algorithm").GetString() ?? "",
                root.GetProperty("key_id").GetString() ?? "",
                root.GetProperty("source_provider").GetString() ?? "",
                root.GetProperty("source_mount").GetString() ?? "",
                root.GetProperty("prefix").GetString() ?? "",
                DateTimeOffset.Parse(root.GetProperty("created_at").GetString() ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                prefix);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
