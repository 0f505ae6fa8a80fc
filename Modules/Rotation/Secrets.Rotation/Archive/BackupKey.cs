using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Secrets.Rotation.Archive;

/// <summary>
/// The key one backup or restore encrypts with: an XChaCha20-Poly1305 key, and its id (the first 8 bytes of a
/// SHA-256 over a label and the key, in hex) that the archive's header names so that a restore with another key
/// is told so (docs/BACKUP.md#key). The key itself never leaves this type.
/// </summary>
internal sealed class BackupKey : IDisposable
{
    public const int Size = 32;

    private static readonly byte[] IdLabel = Encoding.ASCII.GetBytes("secrets-platform backup key id v1\0");

    private BackupKey(Key key, string id)
    {
        Aead = key;
        Id = id;
    }

    public Key Aead { get; }

    public string Id { get; }

    public static BackupKey FromBytes(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != Size)
            throw new ArgumentException("a backup key is 32 bytes", nameof(raw));
        var labelled = new byte[IdLabel.Length + Size];
        IdLabel.CopyTo(labelled, 0);
        raw.CopyTo(labelled.AsSpan(IdLabel.Length));
        var id = Convert.ToHexStringLower(SHA256.HashData(labelled).AsSpan(0, 8));
        CryptographicOperations.ZeroMemory(labelled);
        return new BackupKey(Key.Import(AeadAlgorithm.XChaCha20Poly1305, raw, KeyBlobFormat.RawSymmetricKey), id);
    }

    public void Dispose() => Aead.Dispose();
}
