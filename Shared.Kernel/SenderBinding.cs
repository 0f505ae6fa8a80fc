namespace Secrets.Shared.Kernel;

/// <summary>
/// The key the caller's token is bound to (docs/AUTHENTICATION.md#sender-binding-and-grants): a DPoP key thumbprint (<c>cnf.jkt</c>) or an
/// mTLS certificate thumbprint (<c>cnf.x5t#S256</c>). <see cref="ToString"/> is the form grants keep.
/// </summary>
public sealed record SenderBinding(SenderBindingKind Kind, string Thumbprint)
{
    public override string ToString() => (Kind == SenderBindingKind.Dpop ? "dpop:" : "mtls:") + Thumbprint;
}
