using Secrets.Shared.Kernel;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>The provider's read of owner and creation stamps, as a script (throw a problem to fail it).</summary>
internal sealed class ScriptedAttributes
{
    public Func<CanonicalSecretUri, ResourceAttributes> Read { get; set; } = _ => ResourceAttributes.None;
}
