using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Archive;

/// <summary>
/// Reads an uploaded archive (docs/BACKUP.md#restore): spools it to a temporary file (deleted when disposed),
/// authenticates every frame and checks the trailer's counts and manifest hash before anything is restored, and
/// keeps only an index (each path's name and frame offset), so that each path's record is decrypted again when
/// its turn comes. Any failure is 400 <c>BACKUP_ARCHIVE_INVALID</c> (<c>BACKUP_KEY_MISMATCH</c> for an archive made
/// with another key); its text says nothing about the content.
/// </summary>
internal sealed class ArchiveReader : IAsyncDisposable
{
    private readonly FileStream file;
    private byte[] associatedData = [];

    private ArchiveReader(FileStream file) => this.file = file;

    public ArchiveHeader Header { get; private set; } = null!;

    /// <summary>The archive's paths in order, as authenticated; filled by <see cref="VerifyAsync"/>.</summary>
    public IReadOnlyList<IndexedPath> Paths { get; private set; } = [];

    public long Length => file.Length;

    /// <summary>Copies the body to a temporary file only this process can read, deleted on dispose.</summary>
    public static async Task<ArchiveReader> SpoolAsync(Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var path = Path.Combine(Path.GetTempPath(), "secrets-restore-" + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous, BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(path, options);
        try
        {
            await body.CopyToAsync(file, 64 * 1024, ct);
            await file.FlushAsync(ct);
            return new ArchiveReader(file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first pass: the header, every frame's authentication, the records' shape, the trailer's counts and manifest.</summary>
    public async Task VerifyAsync(BackupKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        file.Position = 0;
        var preamble = new byte[ArchiveFormat.PreambleSize];
        if (!await ReadExactlyAsync(preamble, ct) || !preamble.AsSpan(0, 8).SequenceEqual(ArchiveFormat.Magic)
            || BinaryPrimitives.ReadUInt16BigEndian(preamble.AsSpan(8)) != ArchiveFormat.Version)
            throw Invalid();
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(preamble.AsSpan(10));
        if (headerLength is <= 0 or > ArchiveFormat.MaxHeaderBytes)
            throw Invalid();
        var headerBytes = new byte[ArchiveFormat.PreambleSize + headerLength];
        preamble.CopyTo(headerBytes, 0);
        if (!await ReadExactlyAsync(headerBytes.AsMemory(ArchiveFormat.PreambleSize), ct))
            throw Invalid();
        Header = ArchiveHeader.Parse(headerBytes.AsSpan(ArchiveFormat.PreambleSize))
            ?? throw Invalid();
        if (Header.Format != ArchiveFormat.Version || Header.Algorithm != ArchiveFormat.Algorithm)
            throw Invalid();
        if (!string.Equals(Header.KeyId, key.Id, StringComparison.Ordinal))
            throw new SecretsProblem(ErrorCode.BackupKeyMismatch);
        associatedData = ArchiveFormat.AssociatedData(headerBytes);

        using var manifest = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var paths = new List<IndexedPath>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var versions = 0;
        for (long counter = 0; ; counter++)
        {
            var offset = file.Position;
            var (plaintext, length, last) = await ReadFrameAsync(key, counter, ct);
            try
            {
                var kind = plaintext[0];
                var json = plaintext.AsSpan(1, length - 1);
                if (kind == ArchiveFormat.EntryKind && !last)
                {
                    manifest.AppendData(plaintext, 0, length);
                    var record = ArchivedPath.Parse(json) ?? throw Invalid();
                    if (!names.Add(record.Path))
                        throw Invalid();
                    versions += record.Versions.Count;
                    paths.Add(new IndexedPath(record.Path, offset, counter, record.CustomMetadata.Count > 0, record.HasDeleted, record.HasDestroyed,
                        record.Latest is null));
                    continue;
                }
                if (kind != ArchiveFormat.TrailerKind || !last || !TrailerMatches(json, paths.Count, versions, manifest.GetHashAndReset()))
                    throw Invalid();
                break;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(plaintext);
            }
        }
        Paths = paths;
    }

    /// <summary>The second pass: one path's record, decrypted again from its frame.</summary>
    public async Task<ArchivedPath> ReadAsync(BackupKey key, IndexedPath path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        file.Position = path.Offset;
        var (plaintext, length, _) = await ReadFrameAsync(key, path.Counter, ct);
        try
        {
            return ArchivedPath.Parse(plaintext.AsSpan(1, length - 1)) ?? throw Invalid();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    /// <summary>A frame at the current position; the last one is the one that ends the file.</summary>
    private async Task<(byte[] Plaintext, int Length, bool Last)> ReadFrameAsync(BackupKey key, long counter, CancellationToken ct)
    {
        var prefix = new byte[4];
        if (!await ReadExactlyAsync(prefix, ct))
            throw Invalid();   // cut short: no trailer
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size <= ArchiveFormat.TagSize || size > ArchiveFormat.MaxFramePlaintext + ArchiveFormat.TagSize || size > file.Length - file.Position)
            throw Invalid();
        var ciphertext = ArrayPool<byte>.Shared.Rent(size);
        var plaintext = ArrayPool<byte>.Shared.Rent(size - ArchiveFormat.TagSize);
        try
        {
            if (!await ReadExactlyAsync(ciphertext.AsMemory(0, size), ct))
                throw Invalid();
            var last = file.Position == file.Length;
            var nonce = new byte[ArchiveFormat.NonceSize];
            ArchiveFormat.Nonce(Header.NoncePrefix, counter, last, nonce);
            if (!AeadAlgorithm.XChaCha20Poly1305.Decrypt(key.Aead, nonce, associatedData, ciphertext.AsSpan(0, size), plaintext.AsSpan(0, size - ArchiveFormat.TagSize)))
                throw Invalid();
            return (plaintext, size - ArchiveFormat.TagSize, last);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(plaintext);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ciphertext);
        }
    }

    private static bool TrailerMatches(ReadOnlySpan<byte> json, int paths, int versions, byte[] manifest)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            return root.GetProperty("paths").GetInt32() == paths && root.GetProperty("versions").GetInt32() == versions
                && string.Equals(root.GetProperty("manifest_sha256").GetString(), Convert.ToHexStringLower(manifest), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return read == buffer.Length;
    }

    private static SecretsProblem Invalid() => new(ErrorCode.BackupArchiveInvalid);

    public ValueTask DisposeAsync() => file.DisposeAsync();

    /// <summary>Where one path's record is: its frame's offset and counter, and what restoring it needs of the provider.</summary>
    internal sealed record IndexedPath(string Path, long Offset, long Counter, bool HasCustomMetadata, bool HasDeleted, bool HasDestroyed,
        bool LatestGone);
}
