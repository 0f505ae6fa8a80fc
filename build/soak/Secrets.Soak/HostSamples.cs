using System.Globalization;

namespace Secrets.Soak;

/// <summary>One sample of the host and of the load since the previous one.</summary>
internal sealed record HostSample(
    DateTime Taken, double T, double RssMb, int Threads, int Handles, double Rps, long Errors, double P99Ms)
{
    /// <summary>From dotnet-counters, joined in after the run (null without its CSV): the heap after the last GC, and gen2 GCs so far.</summary>
    public double? GcHeapMb { get; init; }

    public long? Gen2 { get; init; }
}

/// <summary>Reads the host's process from /proc: resident memory, threads and open file descriptors (handles).</summary>
internal sealed class HostProcFs(int pid)
{
    public bool IsAlive => File.Exists($"/proc/{pid}/status");

    /// <summary>RSS in MB, threads and handles now; null when the process is gone.</summary>
    public (double RssMb, int Threads, int Handles)? Read()
    {
        try
        {
            double rssKb = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    rssKb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                    threads = int.Parse(line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            var handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
            return (rssKb / 1024, threads, handles);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// The CSV dotnet-counters writes for <c>--counters System.Runtime</c> (one row per counter and refresh: timestamp in
/// local time to the second, provider, name with tags, type, value): the GC heap size is the sum over generations of
/// <c>dotnet.gc.last_collection.heap.size</c>, gen2 GCs the running sum of <c>dotnet.gc.collections</c>'s gen2 increments.
/// </summary>
internal static class RuntimeCounters
{
    public static IReadOnlyList<HostSample> Join(IReadOnlyList<HostSample> samples, string? csv)
    {
        if (csv is null || !File.Exists(csv))
            return samples;
        var heap = new SortedDictionary<DateTime, Dictionary<string, double>>();
        var gen2 = new SortedDictionary<DateTime, double>();
        foreach (var line in File.ReadLines(csv).Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length < 5 || !DateTime.TryParseExact(cells[0], "MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at)
                || !double.TryParse(cells[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                continue;
            var name = cells[2];
            if (name.StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal))
            {
                if (!heap.TryGetValue(at, out var generations))
                    heap[at] = generations = new(StringComparer.Ordinal);
                generations[name] = value;
            }
            else if (name.StartsWith("dotnet.gc.collections", StringComparison.Ordinal) && name.Contains("gen2", StringComparison.Ordinal))
            {
                gen2[at] = gen2.GetValueOrDefault(at) + value;
            }
        }
        return samples.Select(s =>
        {
            var latest = heap.LastOrDefault(h => h.Key <= s.Taken);
            return s with
            {
                GcHeapMb = latest.Value is null ? null : latest.Value.Values.Sum() / (1024 * 1024),
                Gen2 = gen2.Count == 0 ? null : (long)Math.Round(gen2.Where(g => g.Key <= s.Taken).Sum(g => g.Value)),
            };
        }).ToList();
    }
}
