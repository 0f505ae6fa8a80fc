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

    protected static readonly Dictionary<string, string?> ProdWithYaml = new()
    {
        ["ENVIRONMENT"] = "prod",
        ["ALLOW_UNSAFE_CONFIGURATION"] = "true",
        ["SECRETS_API_REQUIRE_AUTH"] = "false", ["SECRETS_ENFORCE_SCOPES"] = "false", ["SECRETS_REQUIRE_SENDER_BINDING"] = "false",
        ["ENABLE_YAML_PROVIDER"] = "true",
    };

    public void Dispose()
    {
        Client.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
    }
}
