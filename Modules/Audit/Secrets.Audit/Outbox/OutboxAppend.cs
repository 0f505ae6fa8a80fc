namespace Secrets.Audit.Outbox;

/// <summary>One append waiting for the writer loop; completes with the record's offset once it is on disk.</summary>
internal sealed class OutboxAppend(ReadOnlyMemory<byte> payload)
    : TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public int FramedLength { get; } = OutboxFraming.FramedLength(payload.Length);
}
