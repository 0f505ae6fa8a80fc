using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Tests.Features.RotateSecret;

public sealed class SecretGeneratorTests
{
    private static string Draw(int length, string alphabet) =>
        SecretGenerator.Generate(new GenerateSpec { Length = length, Alphabet = alphabet }).Reveal()!.GetValue<string>();

    [Theory]
    [InlineData("hex", 16)]
    [InlineData("alnum", 62)]
    [InlineData("base64url", 64)]
    public void Every_character_of_the_alphabet_is_drawn_about_equally_often(string alphabet, int size)
    {
        var counts = new Dictionary<char, int>();
        for (var i = 0; i < 50; i++)
        {
            foreach (var c in Draw(4000, alphabet))
                counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        counts.Count.ShouldBe(size);
        var expected = 200_000.0 / size;
        foreach (var (c, n) in counts)
            Math.Abs(n - expected).ShouldBeLessThan(expected * 0.15, $"'{c}' drawn {n} times, expected about {expected:F0}");
    }

    [Theory]
    [InlineData(0, "alnum")]
    [InlineData(4097, "alnum")]
    [InlineData(8, "ALNUM")]
    [InlineData(8, "")]
    public void A_spec_outside_the_rules_is_INVALID_REQUEST(int length, string alphabet) =>
        Should.Throw<SecretsProblem>(() => Draw(length, alphabet)).Code.ShouldBe(ErrorCode.InvalidRequest);

    [Fact]
    public void A_generated_value_prints_as_redacted() =>
        SecretGenerator.Generate(new GenerateSpec()).ToString().ShouldBe("[redacted]");
}
