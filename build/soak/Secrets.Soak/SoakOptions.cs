using System.Globalization;

namespace Secrets.Soak;

/// <summary>
/// <c>run</c>'s options, each <c>--name value</c> (build/soak.sh passes them from its SOAK_* settings):
/// <list type="bullet">
/// <item><c>--url</c> the host, <c>--pid</c> its process (sampled from /proc), <c>--tokens</c> the directory of <c>mint</c>,
/// <c>--out</c> where samples.csv goes, <c>--counters</c> the CSV dotnet-counters is writing for the host (optional)</item>
/// <item><c>--rate</c> requests per second (open loop), reached by a linear ramp over the first <c>--warmup</c> seconds, or <c>--closed N</c>: N workers as fast as they go (to find the
/// maximum); <c>--duration</c> and <c>--sample</c> in seconds; <c>--connections</c> the client's pool</item>
/// <item><c>--check-slopes</c> and the limits per minute over the run's second half: <c>--max-rss-slope</c>,
/// <c>--max-heap-slope</c> (MB), <c>--max-threads-slope</c>, <c>--max-handles-slope</c></item>
/// </list>
/// </summary>
internal sealed record SoakOptions(
    Uri Url, int Pid, string Tokens, string Out, string? Counters,
    double Rate, int WarmupS, int Closed, int DurationS, int SampleS, int Connections, bool CheckSlopes,
    double MaxRssSlope, double MaxHeapSlope, double MaxThreadsSlope, double MaxHandlesSlope)
{
    /// <summary>A request without an answer after this long counts as a timeout.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"expected an option, got '{name}'");
            if (name == "--check-slopes")
                flags.Add(name);
            else if (i + 1 < args.Count)
                values[name] = args[++i];
            else
                throw new ArgumentException($"{name} needs a value");
        }
        string Text(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is required");
        double Number(string name, double fallback) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int Whole(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var options = new SoakOptions(
            new Uri(Text("--url")), Whole("--pid", 0), Text("--tokens"), Text("--out"), values.GetValueOrDefault("--counters"),
            Number("--rate", 1000), Whole("--warmup", 0), Whole("--closed", 0), Whole("--duration", 600), Whole("--sample", 10), Whole("--connections", 64),
            flags.Contains("--check-slopes"),
            Number("--max-rss-slope", 1), Number("--max-heap-slope", 1), Number("--max-threads-slope", 1), Number("--max-handles-slope", 1));
        if (options.Pid <= 0 || options.DurationS < 1 || options.SampleS < 1 || options.Connections < 1 || options.WarmupS < 0 || options.WarmupS > options.DurationS
            || (options.Closed == 0 && options.Rate <= 0))
            throw new ArgumentException("need --pid > 0, --duration, --sample and --connections >= 1, --warmup from 0 to --duration, and --rate > 0 or --closed N");
        return options;
    }
}
