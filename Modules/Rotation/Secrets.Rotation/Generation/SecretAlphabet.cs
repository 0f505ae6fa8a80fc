namespace Secrets.Rotation.Generation;

/// <summary>The alphabets a generated value is drawn from, by the name a request or a schedule gives.</summary>
internal static class SecretAlphabet
{
    public const string AlphanumericName = "alnum";

    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    /// <summary>The printable ASCII punctuation, as AWS Secrets Manager's password generator uses it.</summary>
    public const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static readonly IReadOnlyDictionary<string, string> ByName = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AlphanumericName] = Upper + Lower + Digits,
        ["hex"] = "0123456789abcdef",
        ["base64url"] = Upper + Lower + Digits + "-_",
        ["symbols"] = Upper + Lower + Digits + Punctuation,
    };

    /// <summary>The character classes a <c>symbols</c> value of 4 or more characters holds at least one of each.</summary>
    public static readonly string[] SymbolClasses = [Upper, Lower, Digits, Punctuation];
}
