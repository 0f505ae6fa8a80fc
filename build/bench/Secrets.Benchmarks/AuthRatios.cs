using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Secrets.Benchmarks;

internal static class AuthRatios
{
    public static string Write(Summary summary)
    {
        var means = summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters["Case"], r => r.ResultStatistics!.Median / 1000.0);   // the median: the machine is shared, the mean carries its spikes
        var text = new StringBuilder();
        text.AppendLine("| reading (medians) | µs |");
        text.AppendLine("| --- | ---: |");
        void Line(string label, string a, string? b, string? c = null)
        {
            if (!means.TryGetValue(a, out var x) || (b is not null && !means.ContainsKey(b)) || (c is not null && !means.ContainsKey(c)))
                return;
            var value = x - (b is null ? 0 : means[b]) - (c is null ? 0 : means[c]);
            var ratio = b is null || c is not null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({x / means[b]:0.00}x)");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {value:+0.0;-0.0}{ratio} |"));
        }
        Line("Bearer − Anonymous (RS256 token validation)", "Bearer", "Anonymous");
        Line("Dpop − Anonymous (DPoP token + proof, client and server)", "Dpop", "Anonymous");
        Line("Dpop − Bearer (what DPoP adds over a bearer token)", "Dpop", "Bearer");
        Line("DpopProofOnly (making one ES256 proof, client side)", "DpopProofOnly", null);
        Line("Dpop − Bearer − DpopProofOnly (the server's share of DPoP)", "Dpop", "Bearer", "DpopProofOnly");
        Line("TlsBearer − Bearer (TLS on a kept-alive connection)", "TlsBearer", "Bearer");
        Line("TlsMtls − TlsBearer (certificate binding, connection kept alive)", "TlsMtls", "TlsBearer");
        return text.ToString();
    }
}
