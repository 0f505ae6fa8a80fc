using System.Security.Cryptography;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Generation;

/// <summary>
/// Generates secret values with the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>), every character
/// drawn uniformly from the alphabet. A <c>symbols</c> value of 4 or more characters holds an upper-case letter, a
/// lower-case letter, a digit and a punctuation mark: values without one are drawn again, so the result is uniform
/// over the values that qualify. The value exists only inside the <see cref="SecretValue"/> it returns.
/// </summary>
internal static class SecretGenerator
{
    public static SecretValue Generate(GenerateSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Length is < 1 or > GenerateSpec.MaxLength || !SecretAlphabet.ByName.TryGetValue(spec.Alphabet, out var alphabet))
            throw new SecretsProblem(ErrorCode.InvalidRequest);
        var everyClass = spec.Alphabet == "symbols" && spec.Length >= SecretAlphabet.SymbolClasses.Length;
        while (true)
        {
            var value = RandomNumberGenerator.GetString(alphabet, spec.Length);
            if (!everyClass || SecretAlphabet.SymbolClasses.All(c => value.AsSpan().IndexOfAny(c) >= 0))
                return SecretValue.Of(value);
        }
    }
}
