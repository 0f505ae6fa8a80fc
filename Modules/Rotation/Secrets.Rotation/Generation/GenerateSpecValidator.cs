using FluentValidation;

namespace Secrets.Rotation.Generation;

/// <summary>The rules of a <c>generate</c> object, wherever one is given (rotate, bulk, schedules).</summary>
internal sealed class GenerateSpecValidator : AbstractValidator<GenerateSpec>
{
    public GenerateSpecValidator()
    {
        RuleFor(x => x.Length).InclusiveBetween(1, GenerateSpec.MaxLength);
        RuleFor(x => x.Alphabet).Must(SecretAlphabet.ByName.ContainsKey)
            .WithMessage("'alphabet' must be " + string.Join(", ", SecretAlphabet.ByName.Keys) + ".");
    }
}
