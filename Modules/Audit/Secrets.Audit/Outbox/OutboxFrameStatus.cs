namespace Secrets.Audit.Outbox;

/// <summary>What <see cref="OutboxSegmentReader.Next"/> found at its position.</summary>
internal enum OutboxFrameStatus
{
    /// <summary>A whole record whose CRC matches.</summary>
    Record,

    /// <summary>The end of the readable part of the segment, exactly at a record boundary.</summary>
    End,

    /// <summary>The bytes left end inside a record: a short length or a short payload or CRC.</summary>
    Short,

    /// <summary>A length of zero or above <see cref="OutboxFraming.MaxPayloadBytes"/>.</summary>
    BadLength,

    /// <summary>A whole record whose CRC does not match.</summary>
    BadCrc,
}
