namespace Secrets.Rotation.Generation;

/// <summary>
/// How to generate a value (docs/API.md#generated-values): <see cref="Length"/> characters (1–4096, default 32) drawn
/// from <see cref="Alphabet"/>: <c>alnum</c> (default), <c>hex</c>, <c>base64url</c> or <c>symbols</c>.
/// </summary>
internal sealed class GenerateSpec
{
    public const int DefaultLength = 32;
    public const int MaxLength = 4096;

    public int Length { get; init; } = DefaultLength;

    public string Alphabet { get; init; } = SecretAlphabet.AlphanumericName;
}
