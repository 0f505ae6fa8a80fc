namespace Secrets.Shared.Kernel;

public enum SenderBindingKind
{
    Dpop,
    Mtls,
}
