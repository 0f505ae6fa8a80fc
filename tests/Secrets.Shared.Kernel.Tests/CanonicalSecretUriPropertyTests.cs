using System.Globalization;
using System.Text;
using CsCheck;

namespace Secrets.Shared.Kernel.Tests;

/// <summary>
/// Properties of URI normalisation (docs/URIS.md#normalisation): generated valid URIs parse to the canonical form computed
/// from their parts; normalisation is idempotent and round-trips; canonical strings never carry
/// traversal, encoded separators or stray wildcards; arbitrary input fails only with a documented rejection code (docs/URIS.md#rejections);
/// no input, however long or repetitive, keeps the parser busy beyond a small bound. The parser's properties (arbitrary and
/// URI-shaped input, idempotence, round trip, long input) run 100,000 generated cases each; a failure is shrunk and
/// reported with the seed that reproduces it.
/// </summary>
public sealed class CanonicalSecretUriPropertyTests
{
    private const long Iterations = 100_000;

    /// <summary>For the properties that only check how generated valid URIs are written: the parser's own properties above take the full count.</summary>
    private const long ShapeIterations = 10_000;

    /// <summary>What one parse may take at most, even of the longest input on a loaded machine: a hang or backtracking fails it.</summary>
    private static readonly TimeSpan ParseBound = TimeSpan.FromSeconds(2);

    private static readonly HashSet<string> UriCodes = new(StringComparer.Ordinal)
    {
        "ILLEGAL_SEGMENT", "INVALID_WILDCARD", "UNSUPPORTED_PROVIDER", "UNSUPPORTED_ENGINE",
        "AMBIGUOUS_MOUNT", "AMBIGUOUS_QUERY", "MALFORMED_URI",
    };

    /// <summary>A generated valid URI: what to parse, and the canonical string expected from its parts.</summary>
    public sealed record ValidCase(string Input, int? VersionArgument, UriAllowance Allow, string Expected, bool IsPrefix)
    {
        public override string ToString() =>
            $"Input={Quote(Input)} VersionArgument={VersionArgument} Allow={Allow} Expected={Quote(Expected)}";
    }

    /// <summary>Arbitrary input with an arbitrary version argument and allowance.</summary>
    public sealed record AnyCase(string Input, int? VersionArgument, UriAllowance Allow)
    {
        public override string ToString() => $"Input={Quote(Input)} VersionArgument={VersionArgument} Allow={Allow}";
    }

    // ---- generators of valid URIs, built from parts -------------------------------------------------

    private const string LetterAndDigitChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string MountPunctuation = "-_.~+=,";
    private const string PathPunctuation = MountPunctuation + "@:";
    private const string NonAsciiLetters = "éßжλ漢Ω";

    /// <summary>One character of a segment: (how it is written in the input, what it decodes to).</summary>
    private static Gen<(string Raw, char Decoded)> Atom(string punctuation)
    {
        var ascii = LetterAndDigitChars + punctuation;
        var literal = Gen.Char[ascii + NonAsciiLetters].Select(c => (c.ToString(), c));
        var encoded = Gen.Select(Gen.Char[ascii], Gen.Bool, (c, upper) =>
        {
            var hex = ((int)c).ToString(upper ? "X2" : "x2", CultureInfo.InvariantCulture);
            return ("%" + hex, c);
        });
        return Gen.Frequency((4, literal), (1, encoded));
    }

    private static Gen<(string Raw, string Decoded)> Segment(string punctuation) =>
        Atom(punctuation).Array[1, 8]
            .Select(atoms => (string.Concat(atoms.Select(a => a.Raw)), new string(atoms.Select(a => a.Decoded).ToArray())))
            .Where(s => s.Item2 is not "." and not "..");

    private static readonly Gen<(string Raw, string Decoded)> MountGen = Segment(MountPunctuation);
    private static readonly Gen<(string Raw, string Decoded)> PathSegmentGen = Segment(PathPunctuation);

    private static readonly Gen<string> WhitespaceGen = Gen.Char[" \t\r\n"].Array[0, 3].Select(c => new string(c));

    /// <summary>Provider as written (random casing, optional engine) and its canonical scheme.</summary>
    private static readonly Gen<(string Written, string Canonical)> SchemeGen =
        Gen.Select(Gen.OneOf("openbao", "hashicorp", "yaml"), Gen.Int[0, 3], Gen.UInt, (provider, engineForm, casing) =>
        {
            var hasEngine = provider != "yaml" && engineForm > 0;   // yaml never has one; kv2 is optional
            var written = provider + (hasEngine ? "+kv2" : "");
            var canonical = provider == "yaml" ? "yaml" : provider + "+kv2";
            return (RandomCase(written, casing), canonical);
        });

    private static readonly Gen<ValidCase> PlainUriGen =
        Gen.Select(SchemeGen, MountGen, PathSegmentGen.Array[1, 4], PathSegmentGen.Nullable(0.5), Gen.Int[1, 999_999_999].Nullable(0.5),
                   Gen.Int[0, 3], Gen.Bool, Gen.Select(WhitespaceGen, WhitespaceGen, Gen.Bool),
                   (scheme, mount, path, fragment, version, versionPlace, fragmentFirst, pad) =>
        {
            var pathRaw = string.Join('/', path.Select(s => s.Raw));
            var pathDecoded = string.Join('/', path.Select(s => s.Decoded));

            // versionPlace: 0 = query, 1 = argument, 2 = both (same value), 3 = query with leading zeros
            // (kept within nine digits: the parser caps the digit count, see the version range test)
            var digits = version?.ToString(CultureInfo.InvariantCulture);
            var query = digits is null || versionPlace == 1 ? null
                : "version=" + (versionPlace == 3 ? new string('0', Math.Min(2, 9 - digits.Length)) : "") + digits;
            int? argument = version is not null && versionPlace is 1 or 2 ? version : null;

            var sb = new StringBuilder().Append(pad.Item1).Append(scheme.Written).Append("://").Append(mount.Raw).Append('/').Append(pathRaw);
            if (fragmentFirst)
            {
                if (fragment is { } f) sb.Append('#').Append(f.Raw);
                if (query is not null) sb.Append('?').Append(query);
            }
            else
            {
                if (query is not null) sb.Append('?').Append(query);
                if (fragment is { } f) sb.Append('#').Append(f.Raw);
            }
            sb.Append(pad.Item2);

            var expected = new StringBuilder().Append(scheme.Canonical).Append("://").Append(mount.Decoded).Append('/').Append(pathDecoded);
            if (fragment is { } fd) expected.Append('#').Append(fd.Decoded);
            if (version is not null) expected.Append("?version=").Append(version.Value.ToString(CultureInfo.InvariantCulture));

            var allow = pad.Item3 ? UriAllowance.Prefix : UriAllowance.None;   // a plain path is valid either way
            return new ValidCase(sb.ToString(), argument, allow, expected.ToString(), false);
        });

    private static readonly Gen<ValidCase> PrefixUriGen =
        Gen.Select(SchemeGen, MountGen, PathSegmentGen.Array[0, 3], Gen.Bool, WhitespaceGen, (scheme, mount, path, bareMount, pad) =>
        {
            var pathRaw = string.Concat(path.Select(s => "/" + s.Raw));
            var pathDecoded = string.Concat(path.Select(s => "/" + s.Decoded));
            var written = scheme.Written + "://" + mount.Raw + pathRaw + (bareMount && path.Length == 0 ? "" : "/*");
            var expected = scheme.Canonical + "://" + mount.Decoded + pathDecoded + "/*";
            return new ValidCase(pad + written + pad, null, UriAllowance.Prefix, expected, true);
        });

    private static readonly Gen<ValidCase> ValidUriGen = Gen.Frequency((4, PlainUriGen), (1, PrefixUriGen));

    // ---- generators of arbitrary input -----------------------------------------------------------

    private static readonly Gen<int?> AnyVersionArgument = Gen.Frequency(
        (6, Gen.Const((int?)null)),
        (3, Gen.Int[1, 50].Select(v => (int?)v)),
        (1, Gen.OneOf<int?>(0, -1, int.MinValue, 999_999_999, 1_000_000_000, int.MaxValue)));

    private static readonly Gen<UriAllowance> AnyAllowance = Gen.OneOf(UriAllowance.None, UriAllowance.Prefix);

    /// <summary>Any UTF-16 string, including lone surrogates and control characters.</summary>
    private static readonly Gen<string> AnyStringGen = Gen.Frequency(
        (1, Gen.Char.Array[0, 60].Select(c => new string(c))),
        (2, Gen.Char[' ', '~'].Array[0, 60].Select(c => new string(c))));

    /// <summary>Tokens weighted so that a fair share of the glued strings is accepted.</summary>
    private static Gen<string> Tokens(int good, string[] goodTokens, string[] badTokens) =>
        Gen.Frequency([.. goodTokens.Select(t => (good, t)), .. badTokens.Select(t => (1, t))]);

    /// <summary>URI-shaped strings glued from the tokens the grammar cares about.</summary>
    private static readonly Gen<string> UriShapedGen =
        Gen.Select(
            Tokens(8, ["openbao", "OpenBao", "hashicorp", "HASHICORP", "yaml", "openbao+kv2", "openbao+KV2", "hashicorp+kv2"],
                      ["vault", "aws", "", "open bao", "openbao+kv1", "yaml+kv2", "openbao+", "+kv2", "openbao+\u212Av2"]),
            Tokens(20, ["://"], [":/", ":", ":///", "//", "://\u0020"]),
            Tokens(6, ["secret", "kv", "a", "%73ecret"],
                      ["*", ".", "..", "%2e", "%2E%2e", "user@secret", "host:8200", "user%40secret", "host%3A8200", "",
                       " ", "%", "%4", "%zz", "%2F", "%5c", "\\", "é", "%C3%A9", "%E9", "\t", "\u0001"]),
            Tokens(12, ["/", "/", "a", "B", "0", "-", "_", ".", "~", "+", ":", "@", ",", "%41", "é"],
                       ["//", "*", "..", "%2f", "%2F", "%5C", "%2A", "%20", "%25", "%00", "%", "%4", "%C3%A9", "%E9", " ", "\t",
                        "\u0085", "\u212A", "\\", "&", "=", "#", "?"])
                .Array[0, 10].Select(t => string.Concat(t)),
            Tokens(10, ["", "", "/*", "#key", "#a%41", "?version=1", "?version=007", "#k?version=2", "?version=2#k"],
                       ["#", "?", "#k#j", "?version=0", "?version=-1", "?version=1000000000", "?version=2147483647",
                        "?version=1&version=1", "?foo=bar", "?&version=1", "#*", "#a/b", "#%2F", "#."]),
            WhitespaceGen,
            (scheme, sep, mount, path, tail, pad) => pad + scheme + sep + mount + (path.Length == 0 ? "" : "/" + path) + tail + pad);

    /// <summary>
    /// Long inputs, up to 10,000 characters: repetitions of the grammar's tokens (escape runs, separators, segments,
    /// fragments and queries) behind a valid scheme, often inside whitespace that trimming removes, so that many of them
    /// reach the segment decoder at full length. Inputs above the length limit exercise the early refusal.
    /// </summary>
    private static readonly Gen<string> LongInputGen =
        Gen.Select(
            Gen.OneOf("openbao://secret/", "yaml://secret/", "hashicorp+kv2://kv/", "openbao+kv2://", ""),
            Gen.OneOf("a/", "%C3%A9", "%", "%4", "%E9", "%2F", "/", "..", "./", "a", "é", "#", "?version=1&", "*", " ", "\u0001", "%25", "a:b@", "%F0%9F%98%80")
                .Array[1, 4].Select(t => string.Concat(t)),
            Gen.Int[1, 5_000],
            Gen.Int[0, 8_000],
            Gen.OneOf("", "#k", "?version=7", "/*", "%"),
            (head, unit, repeat, pad, tail) =>
            {
                var body = new StringBuilder(head);
                while (body.Length < 10_000 && repeat-- > 0)
                    body.Append(unit);
                var spaces = new string(' ', Math.Min(pad, Math.Max(0, 10_000 - body.Length) / 2));
                var input = spaces + body.Append(tail) + spaces;
                return input.Length <= 10_000 ? input : input[..10_000];
            });

    // ---- properties ------------------------------------------------------------------------------

    [Fact]
    public void Generated_valid_uris_parse_to_the_canonical_form_of_their_parts()
    {
        ValidUriGen.Sample(c =>
        {
            var uri = CanonicalSecretUri.Parse(c.Input, c.VersionArgument, c.Allow);
            uri.ToString().ShouldBe(c.Expected);
            uri.IsPrefix.ShouldBe(c.IsPrefix);
        }, iter: ShapeIterations);
    }

    [Fact]
    public void Normalisation_is_idempotent()
    {
        ValidUriGen.Sample(c =>
        {
            var once = CanonicalSecretUri.Parse(c.Input, c.VersionArgument, c.Allow).ToString();
            var twice = CanonicalSecretUri.Parse(once, null, c.Allow).ToString();
            twice.ShouldBe(once);
        }, iter: Iterations);
    }

    [Fact]
    public void Every_accepted_uri_round_trips_through_its_canonical_string()
    {
        ValidUriGen.Sample(c =>
        {
            var first = CanonicalSecretUri.Parse(c.Input, c.VersionArgument, c.Allow);
            var again = CanonicalSecretUri.Parse(first.ToString(), null, c.Allow);
            again.ShouldBe(first);
            again.ToString().ShouldBe(first.ToString());
            // the version of the canonical string may also be repeated through the argument
            CanonicalSecretUri.Parse(first.ToString(), first.Version, c.Allow).ShouldBe(first);
        }, iter: Iterations);
    }

    [Fact]
    public void Canonical_strings_carry_no_traversal_encoded_separator_or_stray_wildcard()
    {
        ValidUriGen.Sample(c =>
        {
            var uri = CanonicalSecretUri.Parse(c.Input, c.VersionArgument, c.Allow);
            AssertCanonicalShape(uri);
        }, iter: ShapeIterations);
    }

    [Fact]
    public void Arbitrary_strings_are_accepted_in_canonical_form_or_rejected_with_a_typed_code()
    {
        Gen.Select(AnyStringGen, AnyVersionArgument, AnyAllowance, (s, v, a) => new AnyCase(s, v, a))
            .Sample(CheckArbitrary, iter: Iterations);
    }

    [Fact]
    public void Uri_shaped_strings_are_accepted_in_canonical_form_or_rejected_with_a_typed_code()
    {
        Gen.Select(UriShapedGen, AnyVersionArgument, AnyAllowance, (s, v, a) => new AnyCase(s, v, a))
            .Sample(CheckArbitrary, iter: Iterations);
    }

    [Fact]
    public void Long_and_repetitive_inputs_are_decided_within_a_small_bound()
    {
        // A guard per parse, not a timed average: each parse runs on its own task and must finish within the bound,
        // so one slow input (a hang, catastrophic backtracking, a quadratic loop) fails with that input, shrunk.
        Gen.Select(LongInputGen, AnyAllowance, (s, a) => new AnyCase(s, null, a)).Sample(c =>
        {
            var parse = Task.Run(() => CheckArbitrary(c));
            parse.Wait(ParseBound).ShouldBeTrue($"parsing {c.Input.Length} characters took longer than {ParseBound}");
        }, iter: Iterations);
    }

    [Fact]
    public void Generated_valid_uris_with_surrounding_whitespace_and_default_engine_have_one_canonical_spelling()
    {
        // Two spellings of the same parts (different casing, engine written or not, fragment/query order,
        // version in query or argument) must give the same record.
        Gen.Select(MountGen, PathSegmentGen.Array[1, 3], PathSegmentGen, Gen.Int[1, 1000], Gen.UInt, Gen.UInt)
            .Sample((mount, path, fragment, version, casingA, casingB) =>
            {
                var body = mount.Raw + "/" + string.Join('/', path.Select(p => p.Raw));
                var a = CanonicalSecretUri.Parse(
                    RandomCase("openbao", casingA) + "://" + body + "#" + fragment.Raw + "?version=" + version.ToString(CultureInfo.InvariantCulture));
                var b = CanonicalSecretUri.Parse(
                    " " + RandomCase("openbao+kv2", casingB) + "://" + body + "#" + fragment.Raw + " ", version);
                var c = CanonicalSecretUri.Parse(
                    "openbao+kv2://" + body + "?version=" + version.ToString(CultureInfo.InvariantCulture) + "#" + fragment.Raw);
                b.ShouldBe(a);
                c.ShouldBe(a);
            }, iter: ShapeIterations);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void CheckArbitrary(AnyCase c)
    {
        // Parse throws nothing but SecretsProblem (any other exception fails the sample), with a URI code.
        CanonicalSecretUri? parsed = null;
        string? code = null;
        try
        {
            parsed = CanonicalSecretUri.Parse(c.Input, c.VersionArgument, c.Allow);
        }
        catch (SecretsProblem problem)
        {
            code = problem.Code.Value;
            problem.Status.ShouldBe(400);
        }

        // TryParse agrees with Parse.
        var ok = CanonicalSecretUri.TryParse(c.Input, c.VersionArgument, c.Allow, out var tried, out var error);
        ok.ShouldBe(parsed is not null);

        if (parsed is null)
        {
            UriCodes.ShouldContain(code!);
            error.Value.ShouldBe(code);
            return;
        }

        tried.ShouldBe(parsed);
        AssertCanonicalShape(parsed);

        var canonical = parsed.ToString();
        CanonicalSecretUri.TryParse(canonical, null, c.Allow, out var again, out var againError)
            .ShouldBeTrue($"canonical {Quote(canonical)} of an accepted input is rejected with {againError}");
        again.ShouldBe(parsed);
        again.ToString().ShouldBe(canonical);
    }

    /// <summary>(c): what a canonical string may never contain.</summary>
    private static void AssertCanonicalShape(CanonicalSecretUri uri)
    {
        var canonical = uri.ToString();
        var schemeEnd = canonical.IndexOf("://", StringComparison.Ordinal);
        schemeEnd.ShouldBeGreaterThan(0);
        canonical[..schemeEnd].ShouldBeOneOf("openbao+kv2", "hashicorp+kv2", "yaml");

        var afterScheme = canonical[(schemeEnd + 3)..];
        afterScheme.ShouldNotContain("//");
        canonical.ShouldNotContain("%2F", Case.Insensitive);
        canonical.ShouldNotContain("%5C", Case.Insensitive);
        canonical.ShouldNotContain("\\");
        canonical.ShouldNotContain("%");
        canonical.Any(char.IsWhiteSpace).ShouldBeFalse();
        canonical.Any(char.IsControl).ShouldBeFalse();
        canonical.Length.ShouldBeLessThanOrEqualTo(CanonicalSecretUri.MaxLength);

        var pathEnd = afterScheme.IndexOfAny(['#', '?']);
        var path = pathEnd < 0 ? afterScheme : afterScheme[..pathEnd];
        foreach (var segment in path.Split('/'))
        {
            segment.ShouldNotBeEmpty();
            segment.ShouldNotBe(".");
            segment.ShouldNotBe("..");
        }

        if (uri.IsPrefix)
        {
            canonical.ShouldEndWith("/*");
            canonical.Count(ch => ch == '*').ShouldBe(1);
            uri.Fragment.ShouldBeNull();
            uri.Version.ShouldBeNull();
        }
        else
        {
            canonical.ShouldNotContain("*");
        }

        var fragment = uri.Fragment;
        if (fragment is not null)
        {
            fragment.ShouldNotBeEmpty();
            fragment.ShouldNotContain("/");
            canonical.ShouldContain("#" + fragment);
        }
        if (uri.Version is { } v)
        {
            v.ShouldBeGreaterThan(0);
            canonical.ShouldEndWith("?version=" + v.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string RandomCase(string word, uint bits)
    {
        var chars = word.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if ((bits >> (i % 32) & 1) == 1)
                chars[i] = char.ToUpperInvariant(chars[i]);
        }
        return new string(chars);
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
                sb.Append(c);
            else
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.Append('"').ToString();
    }
}
