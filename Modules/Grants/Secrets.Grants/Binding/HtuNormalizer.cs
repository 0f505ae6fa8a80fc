using System.Globalization;
using System.Text;

namespace Secrets.Grants.Binding;

/// <summary>
/// Normalises an <c>http</c>/<c>https</c> URL for the <c>htu</c> comparison (RFC 9449 §4.3, with the
/// syntax- and scheme-based normalisation of RFC 3986 §6.2.2 and §6.2.3): query and fragment dropped,
/// scheme and host lowercased, the default port (80, 443) dropped, percent-encoded unreserved characters
/// decoded and other percent-encodings uppercased, non-ASCII characters percent-encoded as UTF-8,
/// dot segments removed, and an empty path made <c>/</c>. User info, a bad port or a malformed
/// percent-encoding make the URL unusable (null).
/// </summary>
internal static class HtuNormalizer
{
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrEmpty(url))
            return null;
        var end = url.AsSpan().IndexOfAny('?', '#');
        var text = end < 0 ? url.AsSpan() : url.AsSpan(0, end);

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            return null;
        var scheme = text[..schemeEnd].ToString().ToLowerInvariant();
        int defaultPort;
        if (scheme == "https")
            defaultPort = 443;
        else if (scheme == "http")
            defaultPort = 80;
        else
            return null;

        var rest = text[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? ReadOnlySpan<char>.Empty : rest[slash..];
        if (authority.IsEmpty || authority.Contains('@') || authority.Contains('\\'))
            return null;

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port;
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
                return null;
            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (!after.IsEmpty && after[0] != ':')
                return null;
            port = after.IsEmpty ? [] : after[1..];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? [] : authority[(colon + 1)..];
        }
        if (host.IsEmpty || host.ContainsAny(' ', '%'))
            return null;

        var result = new StringBuilder(url.Length + 8);
        result.Append(scheme).Append("://").Append(host.ToString().ToLowerInvariant());
        if (!port.IsEmpty)
        {
            foreach (var c in port)
            {
                if (c is < '0' or > '9')
                    return null;
            }
            if (port.Length > 5 || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65_535)
                return null;
            if (number != defaultPort)
                result.Append(':').Append(number.ToString(CultureInfo.InvariantCulture));
        }

        var normalizedPath = NormalizePath(path);
        if (normalizedPath is null)
            return null;
        result.Append(normalizedPath);
        return result.ToString();
    }

    private static string? NormalizePath(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
            return "/";
        var encoded = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '%')
            {
                if (i + 2 >= path.Length || !IsHex(path[i + 1]) || !IsHex(path[i + 2]))
                    return null;
                var value = (char)Convert.ToByte(path.Slice(i + 1, 2).ToString(), 16);
                if (IsUnreserved(value))
                    encoded.Append(value);
                else
                    encoded.Append('%').Append(char.ToUpperInvariant(path[i + 1])).Append(char.ToUpperInvariant(path[i + 2]));
                i += 2;
            }
            else if (c > 0x7E || c < 0x21)
            {
                // Raw non-ASCII (or space/control) characters: percent-encode their UTF-8 bytes.
                var end = i + 1;
                if (char.IsHighSurrogate(c) && end < path.Length && char.IsLowSurrogate(path[end]))
                    end++;
                foreach (var b in Encoding.UTF8.GetBytes(path[i..end].ToString()))
                    encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                i = end - 1;
            }
            else
                encoded.Append(c);
        }
        return RemoveDotSegments(encoded.ToString());
    }

    /// <summary>RFC 3986 §5.2.4 for an absolute path.</summary>
    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains('.', StringComparison.Ordinal))
            return path;
        var output = new List<string>();
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment == ".")
            {
                if (last)
                    output.Add("");
            }
            else if (segment == "..")
            {
                if (output.Count > 0)
                    output.RemoveAt(output.Count - 1);
                if (last)
                    output.Add("");
            }
            else
                output.Add(segment);
        }
        return "/" + string.Join('/', output);
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static bool IsUnreserved(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' or '_' or '~';
}
