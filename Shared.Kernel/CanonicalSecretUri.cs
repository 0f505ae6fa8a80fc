using System.Globalization;
using System.Text;

namespace Secrets.Shared.Kernel;

/// <summary>
/// A Canonical Secret URI (docs/URIS.md): <c>provider[+engine]://mount/path[#fragment][?version=N]</c>.
/// <see cref="ToString"/> is the canonical form that policies match, resource_ref hashes and audits carry.
/// </summary>
public sealed record CanonicalSecretUri
{
    public const int MaxLength = 2048;

    private static readonly Dictionary<string, string?> DefaultEngines = new(StringComparer.Ordinal)
    {
        ["openbao"] = "kv2",
        ["hashicorp"] = "kv2",
        ["yaml"] = null,
    };

    private CanonicalSecretUri(string provider, string? engine, string mount, string path, string? fragment, int? version, bool isPrefix)
    {
        Provider = provider;
        Engine = engine;
        Mount = mount;
        Path = path;
        Fragment = fragment;
        Version = version;
        IsPrefix = isPrefix;
        Scheme = engine is null ? provider : provider + "+" + engine;
        canonical = BuildCanonical();
    }

    private readonly string canonical;

    public string Provider { get; }
    public string? Engine { get; }
    /// <summary>"yaml", "openbao+kv2", "hashicorp+kv2".</summary>
    public string Scheme { get; }
    public string Mount { get; }
    /// <summary>The path below the mount, without leading or trailing '/'; empty for a mount-wide prefix.</summary>
    public string Path { get; }
    public string? Fragment { get; }
    public int? Version { get; }
    /// <summary>True for a terminal <c>/*</c> (or bare mount) prefix.</summary>
    public bool IsPrefix { get; }

    /// <summary>The same secret without fragment and version.</summary>
    public CanonicalSecretUri WithoutFragment() => new(Provider, Engine, Mount, Path, null, null, IsPrefix);

    public CanonicalSecretUri WithFragment(string? fragment) => new(Provider, Engine, Mount, Path, fragment, Version, IsPrefix);

    /// <summary>Another secret path on the same provider and mount (for listings); the path is trusted to be canonical.</summary>
    public CanonicalSecretUri WithPath(string path) => new(Provider, Engine, Mount, path, null, null, false);

    /// <summary>The prefix <c>…/path/*</c> of the same provider and mount: a folder of a listing.</summary>
    public CanonicalSecretUri WithPrefix(string path) => new(Provider, Engine, Mount, path, null, null, true);

    public override string ToString() => canonical;

    private string BuildCanonical()
    {
        var sb = new StringBuilder(Scheme.Length + Mount.Length + Path.Length + 24);
        sb.Append(Scheme).Append("://").Append(Mount);
        if (Path.Length > 0)
            sb.Append('/').Append(Path);
        if (IsPrefix)
            sb.Append("/*");
        if (Fragment is not null)
            sb.Append('#').Append(Fragment);
        if (Version is not null)
            sb.Append("?version=").Append(Version.Value.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    public static CanonicalSecretUri Parse(string? input, int? version = null, UriAllowance allow = UriAllowance.None) =>
        TryParse(input, version, allow, out var uri, out var error) ? uri : throw new SecretsProblem(error);

    public static bool TryParse(string? input, int? version, UriAllowance allow, out CanonicalSecretUri uri, out ErrorCode error)
    {
        error = ErrorCode.MalformedUri;
        if (input is not null && Parsed.TryGetValue((input, version, allow), out uri))
            return true;
        var failure = ParseCore(input, version, allow, out var result);
        uri = result!;
        if (failure is not null)
        {
            error = failure;
            return false;
        }
        Parsed.Add((input!, version, allow), uri);
        return true;
    }

    /// <summary>URIs accepted recently, as parsed: parsing is a pure function of its inputs (refusals are not kept).</summary>
    private static readonly BoundedCache<(string Input, int? Version, UriAllowance Allow), CanonicalSecretUri> Parsed = new(4096);

    private static ErrorCode? ParseCore(string? input, int? versionParameter, UriAllowance allow, out CanonicalSecretUri? result)
    {
        result = null;
        var s = input?.Trim();
        if (string.IsNullOrEmpty(s) || s.Length > MaxLength)
            return ErrorCode.MalformedUri;
        foreach (var c in s)
        {
            if (char.IsControl(c))
                return ErrorCode.IllegalSegment;
        }

        var sep = s.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
            return ErrorCode.MalformedUri;

        var schemeError = ParseScheme(s[..sep], out var provider, out var engine);
        if (schemeError is not null)
            return schemeError;

        var rest = s[(sep + 3)..];
        var splitError = SplitFragmentAndQuery(rest, out var pathPart, out var fragmentPart, out var queryPart);
        if (splitError is not null)
            return splitError;

        if (pathPart.Length == 0 || pathPart[0] == '/')
            return ErrorCode.AmbiguousMount;

        var segments = pathPart.Split('/');
        var mountRaw = segments[0];
        if (mountRaw.Contains(':', StringComparison.Ordinal) || mountRaw.Contains('@', StringComparison.Ordinal))
            return ErrorCode.AmbiguousMount;

        var isPrefix = false;
        var decoded = new List<string>(segments.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment == "*" && i == segments.Length - 1 && i > 0)
            {
                if ((allow & UriAllowance.Prefix) == 0 || fragmentPart is not null)
                    return ErrorCode.InvalidWildcard;
                isPrefix = true;
                break;
            }
            if (segment.Length == 0 && i == segments.Length - 1 && i > 0 && (allow & UriAllowance.Prefix) != 0 && fragmentPart is null)
            {
                isPrefix = true;   // "…/app/" is the prefix "…/app/*", as Vault's LIST takes "metadata/app/"
                break;
            }
            var segmentError = DecodeSegment(segment, out var value);
            if (segmentError is not null)
                return segmentError;
            decoded.Add(value);
        }

        var mount = decoded[0];
        if (mount.Contains(':', StringComparison.Ordinal) || mount.Contains('@', StringComparison.Ordinal))
            return ErrorCode.AmbiguousMount;
        var path = string.Join('/', decoded.Skip(1));
        if (path.Length == 0 && !isPrefix)
        {
            if ((allow & UriAllowance.Prefix) == 0 || fragmentPart is not null)
                return ErrorCode.MalformedUri;
            isPrefix = true;   // a bare mount names the whole mount
        }

        string? fragment = null;
        if (fragmentPart is not null)
        {
            if (fragmentPart.Length == 0)
                return ErrorCode.MalformedUri;
            var fragmentError = DecodeSegment(fragmentPart, out var f);
            if (fragmentError is not null)
                return fragmentError;
            fragment = f;
        }

        int? version = null;
        if (queryPart is not null)
        {
            var queryError = ParseQuery(queryPart, out version);
            if (queryError is not null)
                return queryError;
        }
        if (versionParameter is not null)
        {
            if (versionParameter <= 0 || (version is not null && version != versionParameter))
                return ErrorCode.AmbiguousQuery;
            version = versionParameter;
        }
        if (isPrefix && version is not null)
            return ErrorCode.AmbiguousQuery;

        var parsed = new CanonicalSecretUri(provider, engine, mount, path, fragment, version, isPrefix);
        if (parsed.canonical.Length > MaxLength)
            return ErrorCode.MalformedUri;   // normalising may lengthen; the canonical form must parse again
        result = parsed;
        return null;
    }

    private static ErrorCode? ParseScheme(string scheme, out string provider, out string? engine)
    {
        provider = "";
        engine = null;
        var plus = scheme.IndexOf('+', StringComparison.Ordinal);
        var p = plus < 0 ? scheme : scheme[..plus];
        var e = plus < 0 ? null : scheme[(plus + 1)..];
        if (!IsSchemeWord(p) || (e is not null && !IsSchemeWord(e)))
            return ErrorCode.MalformedUri;
        p = p.ToLowerInvariant();
        e = e?.ToLowerInvariant();
        if (!DefaultEngines.TryGetValue(p, out var defaultEngine))
            return ErrorCode.UnsupportedProvider;
        if (e is not null && e != defaultEngine)
            return ErrorCode.UnsupportedEngine;
        provider = p;
        engine = defaultEngine;
        return null;
    }

    private static bool IsSchemeWord(string word) =>
        word.Length > 0 && char.IsAsciiLetter(word[0]) && word.All(char.IsAsciiLetterOrDigit);

    private static ErrorCode? SplitFragmentAndQuery(string rest, out string path, out string? fragment, out string? query)
    {
        fragment = null;
        query = null;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (hash < 0 && question < 0)
        {
            path = rest;
            return null;
        }
        if (hash >= 0 && (question < 0 || hash < question))
        {
            path = rest[..hash];
            var after = rest[(hash + 1)..];
            var q = after.IndexOf('?', StringComparison.Ordinal);
            fragment = q < 0 ? after : after[..q];
            query = q < 0 ? null : after[(q + 1)..];
        }
        else
        {
            path = rest[..question];
            var after = rest[(question + 1)..];
            var h = after.IndexOf('#', StringComparison.Ordinal);
            query = h < 0 ? after : after[..h];
            fragment = h < 0 ? null : after[(h + 1)..];
        }
        if ((fragment?.Contains('#', StringComparison.Ordinal) ?? false) || (query?.Contains('#', StringComparison.Ordinal) ?? false))
            return ErrorCode.MalformedUri;
        if ((fragment?.Contains('?', StringComparison.Ordinal) ?? false) || (query?.Contains('?', StringComparison.Ordinal) ?? false))
            return ErrorCode.AmbiguousQuery;
        return null;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ErrorCode? DecodeSegment(string raw, out string value)
    {
        value = "";
        if (raw.Length == 0)
            return ErrorCode.IllegalSegment;
        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '%')
            {
                var error = Check(raw[i]);
                if (error is not null)
                    return error;
                sb.Append(raw[i]);
                continue;
            }
            // a run of %XX escapes is one UTF-8 byte sequence
            var bytes = new List<byte>();
            while (i < raw.Length && raw[i] == '%')
            {
                if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))
                    return ErrorCode.MalformedUri;
                bytes.Add(byte.Parse(raw.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 3;
            }
            i--;
            string decoded;
            try
            {
                decoded = StrictUtf8.GetString(bytes.ToArray());
            }
            catch (DecoderFallbackException)
            {
                return ErrorCode.MalformedUri;
            }
            foreach (var c in decoded)
            {
                var error = Check(c);
                if (error is not null)
                    return error;
            }
            sb.Append(decoded);
        }
        value = sb.ToString();
        return value is "." or ".." ? ErrorCode.IllegalSegment : null;
    }

    private static ErrorCode? Check(char c)
    {
        if (c is '/' or '\\' || char.IsControl(c))
            return ErrorCode.IllegalSegment;
        if (c == '*')
            return ErrorCode.InvalidWildcard;
        return IsAllowed(c) ? null : ErrorCode.MalformedUri;
    }

    private static bool IsAllowed(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '=' or ',' or '@' or ':'
        || (c > 127 && char.IsLetterOrDigit(c));

    private static ErrorCode? ParseQuery(string query, out int? version)
    {
        version = null;
        if (query.Length == 0)
            return ErrorCode.AmbiguousQuery;
        foreach (var pair in query.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                return ErrorCode.AmbiguousQuery;
            var key = pair[..eq];
            var value = pair[(eq + 1)..];
            if (key != "version" || version is not null)
                return ErrorCode.AmbiguousQuery;
            if (value.Length == 0 || !value.All(char.IsAsciiDigit) || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v <= 0)
                return ErrorCode.AmbiguousQuery;
            version = v;
        }
        return null;
    }
}
