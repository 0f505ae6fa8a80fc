using System.Buffers.Binary;

namespace Secrets.Grants.State;

/// <summary>
/// A SHA-256 digest held as four numbers: a claim in the in-memory replay window costs its dictionary
/// entry and nothing more (a window of <c>ANTI_REPLAY_TTL_S</c> at thousands of proofs a second holds
/// millions). <see cref="ToString"/> is the lower-case hex the Redis keys use.
/// </summary>
internal readonly record struct ReplayDigest(ulong A, ulong B, ulong C, ulong D)
{
    public static ReplayDigest Of(ReadOnlySpan<byte> sha256) => new(
        BinaryPrimitives.ReadUInt64BigEndian(sha256),
        BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]));

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], D);
        return Convert.ToHexStringLower(bytes);
    }
}
