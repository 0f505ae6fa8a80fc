using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Secrets.Rotation.Archive;

/// <summary>
/// The backup archive, version 1 (docs/BACKUP.md#format). A plaintext header — magic, format version, the
/// header's length and its JSON (algorithm, key id, source provider, mount and prefix, creation time, the
/// archive's random nonce prefix) — then frames, each a 4-byte big-endian length and an XChaCha20-Poly1305
/// ciphertext. The frames follow the STREAM construction: frame i's nonce is the 16-byte prefix, i as 7 bytes
/// big-endian and a last-frame flag byte, and every frame's associated data is the SHA-256 of the header's bytes,
/// so that editing the header, editing, dropping, reordering or repeating a frame, cutting the tail or appending
/// anything fails authentication. A frame's plaintext is a kind byte and JSON: one path's record, or, as the last
/// frame only, the trailer with the counts and the manifest hash (SHA-256 over the entry frames' plaintexts).
/// </summary>
internal static class ArchiveFormat
{
    public static ReadOnlySpan<byte> Magic => "SPBACKUP"u8;

    public const ushort Version = 1;

    public const string Algorithm = "XChaCha20-Poly1305";

    public const int NoncePrefixSize = 16;

    public const int NonceSize = 24;

    public const int TagSize = 16;

    /// <summary>The largest header JSON a reader accepts.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    /// <summary>The largest frame plaintext (one path's record with all its versions): what bounds memory on both sides.</summary>
    public const int MaxFramePlaintext = 16 * 1024 * 1024;

    public const byte EntryKind = 1;

    public const byte TrailerKind = 2;

    /// <summary>Magic, version and the header length: what comes before the header JSON.</summary>
    public const int PreambleSize = 8 + 2 + 4;

    /// <summary>The nonce of frame <paramref name="counter"/>: prefix, counter (7 bytes, big-endian), last-frame flag.</summary>
    public static void Nonce(ReadOnlySpan<byte> prefix, long counter, bool last, Span<byte> nonce)
    {
        prefix.CopyTo(nonce);
        Span<byte> count = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(count, counter);
        count[1..].CopyTo(nonce[NoncePrefixSize..]);
        nonce[NonceSize - 1] = last ? (byte)1 : (byte)0;
    }

    /// <summary>The associated data of every frame: the SHA-256 of the header's bytes, preamble included.</summary>
    public static byte[] AssociatedData(ReadOnlySpan<byte> header) => SHA256.HashData(header);
}
