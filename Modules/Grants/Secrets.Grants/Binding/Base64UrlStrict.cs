using System.Buffers.Text;

namespace Secrets.Grants.Binding;

/// <summary>
/// base64url as JOSE uses it (RFC 7515 §2): the URL-safe alphabet, no padding, no whitespace.
/// <see cref="Base64Url"/> alone tolerates padding and whitespace, so the alphabet is checked first.
/// </summary>
internal static class Base64UrlStrict
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1)
            return false;
        foreach (var c in text)
        {
            if (!(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
                return false;
        }
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
