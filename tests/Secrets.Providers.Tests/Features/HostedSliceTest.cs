using Secrets.Testing;

namespace Secrets.Providers.Tests.Features;

/// <summary>One in-process host per test class instance, on its own YAML file.</summary>
public abstract class HostedSliceTest : IDisposable
{
    protected HostedSliceTest(IDictionary<string, string?>? settings = null)
    {
        Host = new SecretsHostFactory(settings);
        Client = Host.CreateClient();
    }

    protected SecretsHostFactory Host { get; }
    protected HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
    }
}
