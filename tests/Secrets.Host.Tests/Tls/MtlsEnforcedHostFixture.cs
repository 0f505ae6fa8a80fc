using Secrets.Testing.Policy;

namespace Secrets.Host.Tests.Tls;

/// <summary>
/// The mTLS host with sender binding required for execute and authorization on: a policy that permits
/// everything on the test mounts with <c>max_uses: 5</c>. A class fixture.
/// </summary>
public sealed class MtlsEnforcedHostFixture : MtlsHost
{
    public MtlsEnforcedHostFixture()
        : base(TestPolicies.PermitFiveUses, ("SECRETS_REQUIRE_SENDER_BINDING", "true"), ("ENABLE_AUTHORIZATION", "true"))
    {
    }
}
