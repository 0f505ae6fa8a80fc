using System.Buffers.Binary;
using System.Text;
using Secrets.Audit.Outbox;

namespace Secrets.Audit.Tests.Outbox;

public sealed class OutboxFramingTests
{
    [Fact]
    public void Crc32C_matches_the_Castagnoli_check_value()
    {
        // the standard check value of CRC-32C (iSCSI, RFC 3720): CRC of the ASCII digits 1 to 9
        OutboxFraming.Crc32C(Encoding.ASCII.GetBytes("123456789")).ShouldBe(0xE3069283u);
        OutboxFraming.Crc32C([]).ShouldBe(0u);
    }

    [Fact]
    public void A_record_is_its_little_endian_length_the_payload_and_the_crc_of_both()
    {
        var payload = Encoding.ASCII.GetBytes("an audit event of some length");
        var frame = new byte[OutboxFraming.FramedLength(payload.Length)];

        OutboxFraming.Write(payload, frame).ShouldBe(4 + payload.Length + 4);

        BinaryPrimitives.ReadInt32LittleEndian(frame).ShouldBe(payload.Length);
        frame.AsSpan(4, payload.Length).ToArray().ShouldBe(payload);
        BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4 + payload.Length))
            .ShouldBe(OutboxFraming.Crc32C(frame.AsSpan(0, 4 + payload.Length)));
    }
}
