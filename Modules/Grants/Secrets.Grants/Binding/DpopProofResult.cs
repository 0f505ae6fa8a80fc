using System.Diagnostics.CodeAnalysis;

namespace Secrets.Grants.Binding;

internal sealed class DpopProofResult
{
    private DpopProofResult(DpopProof? proof, DpopFailure? failure)
    {
        Proof = proof;
        Failure = failure;
    }

    public DpopProof? Proof { get; }
    public DpopFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Proof))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => Proof is not null;

    public static DpopProofResult Valid(DpopProof proof) => new(proof, null);
    public static DpopProofResult Invalid(string description) => new(null, new(DpopFailure.InvalidProof, description));
    public static DpopProofResult NonceNeeded(string description) => new(null, new(DpopFailure.UseNonce, description));
    public static DpopProofResult KeyMismatch(string description) => new(null, new(DpopFailure.InvalidToken, description));

    public override string ToString() => IsValid ? "valid" : $"{Failure.Error}: {Failure.Description}";
}
