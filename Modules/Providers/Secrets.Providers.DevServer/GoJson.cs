using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer;

/// <summary>
/// JSON as OpenBao reads and writes it with Go's <c>encoding/json</c>: a request body checked token by token
/// (<c>Decoder.Token</c>, so every value in the body must be well formed) and then decoded into a map with
/// <c>UseNumber</c>, with Go's error texts; and stored secret data read back through <c>float64</c>.
/// </summary>
internal static class GoJson
{
    private const int MaxDepth = 10_000;   // encoding/json's maxNestingDepth

    /// <summary>OpenBao's default <c>max_request_json_memory</c>: 32 MiB + 512 KiB of estimated decoding cost.</summary>
    private const long MaxMemory = 32 * 1024 * 1024 + 512 * 1024;

    /// <summary>OpenBao's default <c>max_request_json_strings</c>: strings in a body, keys included.</summary>
    private const long MaxStrings = 1000;

    // memoryForToken: a pointer and its type, plus what the token holds
    private const long CostBase = 8 + 8;
    private const long CostDelimiter = CostBase + 8 + 64;
    private const long CostScalar = CostBase + 8;

    private enum Token { TopValue, ArrayStart, ArrayValue, ArrayComma, ObjectStart, ObjectKey, ObjectColon, ObjectValue, ObjectComma }

    /// <summary>
    /// The body's fields: null for an empty body or <c>null</c> (no fields), or the error OpenBao answers with
    /// (<c>failed to decode JSON input: …</c>).
    /// </summary>
    public static string? DecodeBody(ReadOnlyMemory<byte> body, out JsonObject? fields)
    {
        fields = null;
        if (CheckTokens(body.Span) is { } syntax)
            return syntax;
        var span = body.Span;
        var start = SkipSpace(span, 0);
        if (start == span.Length)
            return null;   // io.EOF: nothing to decode
        if (!CompleteValue(span, start))
            return "failed to decode JSON input: unexpected EOF";
        var reader = new Utf8JsonReader(span[start..], new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = MaxDepth + 1 });
        try
        {
            reader.Read();
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    fields = (JsonObject)ToNode(root)!;
                    return null;
                case JsonValueKind.Null:
                    return null;
                default:
                    return $"failed to decode JSON input: json: cannot unmarshal {GoKind(root.ValueKind)} into Go value of type map[string]interface {{}}";
            }
        }
        catch (JsonException)
        {
            return "failed to decode JSON input: invalid character in string literal";   // invalid UTF-8: Go would have replaced it
        }
    }

    /// <summary>
    /// Stored data as <c>json.Unmarshal</c> into <c>map[string]any</c> and <c>json.Marshal</c> give it back: every
    /// number through float64 (<c>12345678901234567890</c> → <c>12345678901234567000</c>, <c>1.0</c> → <c>1</c>).
    /// Null and the error text when a number does not fit a float64.
    /// </summary>
    public static string? ThroughFloat64(JsonNode? node, out JsonNode? result)
    {
        result = null;
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    if (ThroughFloat64(value, out var converted) is { } error)
                        return error;
                    copy[name] = converted;
                }
                result = copy;
                return null;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    if (ThroughFloat64(item, out var converted) is { } error)
                        return error;
                    items.Add(converted);
                }
                result = items;
                return null;
            default:
                if (node.GetValueKind() != JsonValueKind.Number)
                {
                    result = node.DeepClone();
                    return null;
                }
                var literal = node.ToJsonString();
                var number = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsInfinity(number))
                    return $"json: cannot unmarshal number {literal} into Go value of type float64";
                result = JsonNode.Parse(GoFormat.Float(number));
                return null;
        }
    }

    /// <summary>A JSON element as nodes, keeping each number's literal text; a repeated key keeps its last value.</summary>
    public static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                    obj[property.Name] = ToNode(property.Value);
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                    array.Add(ToNode(item));
                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        _ => "bool",
    };

    /// <summary>
    /// OpenBao's JSON complexity check (<c>EnforceJSONComplexityLimits</c>): <c>Decoder.Token</c> over the whole body,
    /// adding up an estimated memory cost and the strings. Null when every value is well formed and within the limits
    /// (a body that simply stops is left to the decoder), else the answer's error text.
    /// </summary>
    private static string? CheckTokens(ReadOnlySpan<byte> s)
    {
        var state = Token.TopValue;
        var stack = new Stack<Token>();
        var i = 0;
        long memory = 0;
        long strings = 0;
        while (true)
        {
            i = SkipSpace(s, i);
            if (i == s.Length)
                return null;   // io.EOF ends the check, wherever it comes
            var c = s[i];
            var start = i;
            var cost = CostScalar;
            switch (c)
            {
                case (byte)'[' or (byte)'{':
                    if (!ValueAllowed(state))
                        return TokenError(c, state);
                    if (stack.Count >= MaxDepth)
                        return "failed to decode JSON input: invalid character " + GoFormat.QuoteChar(c) + " exceeded max depth";
                    cost = CostDelimiter;
                    stack.Push(state);
                    state = c == '[' ? Token.ArrayStart : Token.ObjectStart;
                    i++;
                    break;
                case (byte)']':
                    if (state is not (Token.ArrayStart or Token.ArrayComma))
                        return TokenError(c, state);
                    state = ValueEnd(stack.Pop());
                    i++;
                    cost = 0;
                    break;
                case (byte)'}':
                    if (state is not (Token.ObjectStart or Token.ObjectComma))
                        return TokenError(c, state);
                    state = ValueEnd(stack.Pop());
                    i++;
                    cost = 0;
                    break;
                case (byte)':':
                    if (state != Token.ObjectColon)
                        return TokenError(c, state);
                    state = Token.ObjectValue;
                    i++;
                    continue;   // no token of its own
                case (byte)',':
                    if (state == Token.ArrayComma)
                        state = Token.ArrayValue;
                    else if (state == Token.ObjectComma)
                        state = Token.ObjectKey;
                    else
                        return TokenError(c, state);
                    i++;
                    continue;
                case (byte)'"' when state is Token.ObjectStart or Token.ObjectKey:
                    if (ScanScalar(s, ref i) is { } keyError)
                        return "failed to decode JSON input: " + keyError;
                    state = Token.ObjectColon;
                    break;
                default:
                    if (!ValueAllowed(state))
                        return TokenError(c, state);
                    if (ScanScalar(s, ref i) is { } valueError)
                        return "failed to decode JSON input: " + valueError;
                    state = ValueEnd(state);
                    break;
            }
            if (c == '"')
            {
                cost = CostBase + 16 + (i - start - 2);   // the string's bytes, near enough
                strings++;
            }
            memory += cost;
            if (memory > MaxMemory)
                return "refused JSON input due to high complexity: exceeded maximum estimated memory limits";
            if (strings > MaxStrings)
                return "refused JSON input due to high complexity: exceeded maximum number of strings";
        }
    }

    private static bool ValueAllowed(Token state) => state is Token.TopValue or Token.ArrayStart or Token.ArrayValue or Token.ObjectValue;

    private static Token ValueEnd(Token state) => state switch
    {
        Token.ArrayStart or Token.ArrayValue => Token.ArrayComma,
        Token.ObjectValue => Token.ObjectComma,
        _ => state,
    };

    /// <summary><c>Decoder.tokenError</c>: a start of an object has no words of its own there (<c>invalid character 'd'</c>).</summary>
    private static string TokenError(byte c, Token state) => "failed to decode JSON input: invalid character " + GoFormat.QuoteChar(c) + state switch
    {
        Token.TopValue or Token.ArrayStart or Token.ArrayValue or Token.ObjectValue => " looking for beginning of value",
        Token.ArrayComma => " after array element",
        Token.ObjectKey => " looking for beginning of object key string",
        Token.ObjectColon => " after object key",
        Token.ObjectComma => " after object key:value pair",
        _ => "",
    };

    /// <summary>One string, number or literal as Go's scanner reads it; <paramref name="i"/> ends just after it.</summary>
    private static string? ScanScalar(ReadOnlySpan<byte> s, ref int i)
    {
        const string UnexpectedEof = "unexpected EOF";
        var c = s[i];
        switch (c)
        {
            case (byte)'"':
                i++;
                while (true)
                {
                    if (i == s.Length)
                        return UnexpectedEof;
                    c = s[i];
                    if (c == '"')
                    {
                        i++;
                        return null;
                    }
                    if (c < 0x20)
                        return Invalid(c, "in string literal");
                    if (c == '\\')
                    {
                        i++;
                        if (i == s.Length)
                            return UnexpectedEof;
                        c = s[i];
                        if (c == 'u')
                        {
                            for (var h = 0; h < 4; h++)
                            {
                                i++;
                                if (i == s.Length)
                                    return UnexpectedEof;
                                if (!char.IsAsciiHexDigit((char)s[i]))
                                    return Invalid(s[i], "in \\u hexadecimal character escape");
                            }
                        }
                        else if (c is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'))
                        {
                            return Invalid(c, "in string escape code");
                        }
                    }
                    i++;
                }
            case (byte)'t':
                return Literal(s, ref i, "true");
            case (byte)'f':
                return Literal(s, ref i, "false");
            case (byte)'n':
                return Literal(s, ref i, "null");
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                if (c == '-')
                {
                    i++;
                    if (i == s.Length)
                        return UnexpectedEof;
                    if (!IsDigit(s[i]))
                        return Invalid(s[i], "in numeric literal");
                }
                if (s[i] == '0')
                    i++;
                else
                    while (i < s.Length && IsDigit(s[i]))
                        i++;
                if (i < s.Length && s[i] == '.')
                {
                    i++;
                    if (i == s.Length)
                        return UnexpectedEof;
                    if (!IsDigit(s[i]))
                        return Invalid(s[i], "after decimal point in numeric literal");
                    while (i < s.Length && IsDigit(s[i]))
                        i++;
                }
                if (i < s.Length && s[i] is (byte)'e' or (byte)'E')
                {
                    i++;
                    if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
                        i++;
                    if (i == s.Length)
                        return UnexpectedEof;
                    if (!IsDigit(s[i]))
                        return Invalid(s[i], "in exponent of numeric literal");
                    while (i < s.Length && IsDigit(s[i]))
                        i++;
                }
                return null;
            default:
                return Invalid(c, "looking for beginning of value");
        }
    }

    private static string? Literal(ReadOnlySpan<byte> s, ref int i, string word)
    {
        for (var k = 0; k < word.Length; k++, i++)
        {
            if (i == s.Length)
                return "unexpected EOF";
            if (s[i] != word[k])
                return Invalid(s[i], $"in literal {word} (expecting {GoFormat.QuoteChar((byte)word[k])})");
        }
        return null;
    }

    private static string Invalid(byte c, string context) => "invalid character " + GoFormat.QuoteChar(c) + " " + context;

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static int SkipSpace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            i++;
        return i;
    }

    /// <summary>Whether the first value, which starts at <paramref name="start"/> and is well formed so far, is complete.</summary>
    private static bool CompleteValue(ReadOnlySpan<byte> s, int start)
    {
        var depth = 0;
        var i = start;
        do
        {
            i = SkipSpace(s, i);
            if (i == s.Length)
                return false;
            switch (s[i])
            {
                case (byte)'[' or (byte)'{':
                    depth++;
                    i++;
                    break;
                case (byte)']' or (byte)'}':
                    depth--;
                    i++;
                    break;
                case (byte)':' or (byte)',':
                    i++;
                    break;
                default:
                    if (ScanScalar(s, ref i) is not null)
                        return false;
                    break;
            }
        }
        while (depth > 0);
        return true;
    }
}
