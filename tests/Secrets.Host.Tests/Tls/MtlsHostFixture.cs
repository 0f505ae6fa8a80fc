namespace Secrets.Host.Tests.Tls;

/// <summary>The mTLS host with nothing else set, as a class fixture.</summary>
public sealed class MtlsHostFixture : MtlsHost
{
    public MtlsHostFixture()
        : base(null)
    {
    }
}
