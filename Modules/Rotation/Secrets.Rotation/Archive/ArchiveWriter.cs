using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Archive;

/// <summary>
/// Writes an archive as it is produced (docs/BACKUP.md#format): the header, then one encrypted frame per path,
/// then the trailer as the last frame. It holds one path's record at a time, never the archive.
/// </summary>
internal sealed class ArchiveWriter
{
    private readonly Stream output;
    private readonly BackupKey key;
    private readonly ArchiveHeader header;
    private readonly byte[] associatedData;
    private readonly System.Security.Cryptography.IncrementalHash manifest = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> plaintext = new(64 * 1024);
    private long counter;
    private byte[] headerBytes;

    public ArchiveWriter(Stream output, BackupKey key, ArchiveHeader header)
    {
        this.output = output;
        this.key = key;
        this.header = header;
        headerBytes = header.ToBytes();
        associatedData = ArchiveFormat.AssociatedData(headerBytes);
    }

    public int Paths { get; private set; }

    public int Versions { get; private set; }

    /// <summary>Bytes written so far.</summary>
    public long Bytes { get; private set; }

    public static ArchiveHeader NewHeader(BackupKey key, CanonicalSecretUri prefix, DateTimeOffset now) =>
        new(ArchiveFormat.Version, ArchiveFormat.Algorithm, key.Id, prefix.Scheme, prefix.Mount, prefix.ToString(), now,
            RandomNumberGenerator.GetBytes(ArchiveFormat.NoncePrefixSize));

    public async Task WriteHeaderAsync(CancellationToken ct)
    {
        await output.WriteAsync(headerBytes, ct);
        Bytes += headerBytes.Length;
        headerBytes = [];
    }

    public async Task WriteEntryAsync(SecretSnapshot snapshot, CancellationToken ct)
    {
        plaintext.ResetWrittenCount();
        ArchivedPath.Write(snapshot, plaintext);
        manifest.AppendData(plaintext.WrittenSpan);
        Paths++;
        Versions += snapshot.Versions.Count;
        await WriteFrameAsync(last: false, ct);
    }

    /// <summary>The trailer, the last frame: counts and the manifest hash. Without it a reader refuses the archive as cut short.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        plaintext.ResetWrittenCount();
        plaintext.GetSpan(1)[0] = ArchiveFormat.TrailerKind;
        plaintext.Advance(1);
        using (var json = new Utf8JsonWriter(plaintext))
        {
            json.WriteStartObject();
            json.WriteNumber("paths", Paths);
            json.WriteNumber("versions", Versions);
            json.WriteString("manifest_sha256", Convert.ToHexStringLower(manifest.GetHashAndReset()));
            json.WriteEndObject();
        }
        await WriteFrameAsync(last: true, ct);
        await output.FlushAsync(ct);
    }

    private async Task WriteFrameAsync(bool last, CancellationToken ct)
    {
        var length = plaintext.WrittenCount;
        if (length > ArchiveFormat.MaxFramePlaintext)
            throw new SecretsProblem(ErrorCode.PayloadTooLarge, detail: "one path's record is larger than an archive frame may be");
        var frame = ArrayPool<byte>.Shared.Rent(4 + length + ArchiveFormat.TagSize);
        try
        {
            BinaryPrimitives.WriteInt32BigEndian(frame, length + ArchiveFormat.TagSize);
            Span<byte> nonce = stackalloc byte[ArchiveFormat.NonceSize];
            ArchiveFormat.Nonce(header.NoncePrefix, counter++, last, nonce);
            AeadAlgorithm.XChaCha20Poly1305.Encrypt(key.Aead, nonce, associatedData, plaintext.WrittenSpan, frame.AsSpan(4, length + ArchiveFormat.TagSize));
            await output.WriteAsync(frame.AsMemory(0, 4 + length + ArchiveFormat.TagSize), ct);
            Bytes += 4 + length + ArchiveFormat.TagSize;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(frame.AsSpan(0, 4 + length + ArchiveFormat.TagSize));
            ArrayPool<byte>.Shared.Return(frame);
            plaintext.Clear();   // zeroes the record's plaintext as well
        }
    }
}
