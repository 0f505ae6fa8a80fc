using System.Buffers.Binary;

namespace Secrets.Client.Archives;

/// <summary>Follows the archive's framing as it streams by: the header, then 4-byte lengths; counts the frames, and whether the stream ended on a frame's end.</summary>
internal sealed class ArchiveFrameCounter
{
    private readonly byte[] pending = new byte[14];
    private int have;
    private long skip = -1;   // -1: still reading the preamble
    private int frames;

    public long Bytes { get; private set; }

    /// <summary>Path frames seen so far (every frame but the trailer).</summary>
    public int Entries => Math.Max(0, frames - 1);

    public bool Complete => frames > 0 && skip == 0 && have == 0;

    public void Feed(ReadOnlySpan<byte> data)
    {
        Bytes += data.Length;
        while (data.Length > 0)
        {
            if (skip > 0)
            {
                var n = (int)Math.Min(skip, data.Length);
                skip -= n;
                data = data[n..];
                continue;
            }
            var need = skip < 0 ? 14 : 4;
            var take = Math.Min(need - have, data.Length);
            data[..take].CopyTo(pending.AsSpan(have));
            have += take;
            data = data[take..];
            if (have < need)
                return;
            have = 0;
            if (skip < 0)
            {
                skip = BinaryPrimitives.ReadInt32BigEndian(pending.AsSpan(10));
            }
            else
            {
                skip = BinaryPrimitives.ReadInt32BigEndian(pending);
                frames++;
            }
        }
    }
}
