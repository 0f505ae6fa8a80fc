using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Testing.Auth;
using Secrets.Testing.Logging;
using Serilog.Core;

namespace Secrets.Testing;

/// <summary>
/// The host in-process on the YAML provider with its own temporary file, a captured log, and any
/// documented setting (docs/CONFIGURATION.md) overridden per test (<c>ENVIRONMENT</c>, <c>TENANT_ALLOWED_MOUNTS</c>, …).
/// </summary>
public class SecretsHostFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;

    public SecretsHostFactory(IDictionary<string, string?>? overrides = null, string? yamlContent = null, string? policies = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "secrets-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        YamlPath = Path.Combine(Directory, "secrets.yaml");
        File.WriteAllText(YamlPath, yamlContent ?? SampleYaml);
        PolicyPath = Path.Combine(Directory, "policies.yaml");
        File.WriteAllText(PolicyPath, policies ?? PermitAllPolicies);
        settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ENVIRONMENT"] = "dev",
            ["YAML_VAULT_PATH"] = YamlPath,
            ["TENANT_ID"] = "t1",
            ["TENANT_SALT"] = TestSalt,
            ["TENANT_ALLOWED_MOUNTS"] = "secret,team",
            ["VAULT_DEV_ADDR"] = "http://127.0.0.1:0",   // each test host gets its own embedded KVv2 server
            ["POLICY_PATH"] = PolicyPath,                // authorization is on in test and prod; off in dev unless asked
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        // Prod signs audit checkpoints with a key kept as a secret: a prod host that names no pointer gets one,
        // so profile tests stay about profiles (the key is read only when a checkpoint or the keys endpoint needs it).
        if (string.Equals(settings["ENVIRONMENT"], "prod", StringComparison.OrdinalIgnoreCase))
            settings.TryAdd("AUDIT_SIGNING_KEY_POINTER", "openbao+kv2://secret/audit/signing#seed");
        // Prod authenticates every caller: a prod host that names no issuer of its own trusts the shared
        // test issuer, and its clients carry a token with every scope, so profile tests stay about profiles.
        if (string.Equals(settings["ENVIRONMENT"], "prod", StringComparison.OrdinalIgnoreCase)
            && !settings.ContainsKey("OIDC_ISSUER") && !settings.ContainsKey("OIDC_AUTHORITY")
            && !string.Equals(settings.GetValueOrDefault("SECRETS_API_REQUIRE_AUTH"), "false", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (key, value) in Trusting(SharedIssuer.Value))
                settings[key] = value;
            authenticatedClients = true;
        }
    }

    private static readonly Lazy<TestIssuer> SharedIssuer = new(() => new TestIssuer());
    private readonly bool authenticatedClients;

    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        if (authenticatedClients)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SharedIssuer.Value.Token());
    }

    public const string TestSalt = "test-salt-0123456789";

    /// <summary>
    /// Settings that make the host trust <paramref name="issuer"/>: <c>OIDC_ISSUER</c> and a JWKS file
    /// (<c>OIDC_JWKS_PATH</c>) written now with the issuer's published keys.
    /// </summary>
    public static Dictionary<string, string?> Trusting(TestIssuer issuer, params (string Key, string? Value)[] more)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var dir = Path.Combine(Path.GetTempPath(), "secrets-tests", "jwks-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var jwks = Path.Combine(dir, "jwks.json");
        issuer.WriteJwks(jwks);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OIDC_ISSUER"] = issuer.Issuer,
            ["OIDC_JWKS_PATH"] = jwks,
        };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    /// <summary>
    /// Serve over Kestrel on 127.0.0.1 and a free port (real sockets) instead of the in-memory test
    /// server; with <paramref name="https"/> the endpoint takes the host's HTTPS settings
    /// (<c>TLS_CERT_PATH</c>, <c>TLS_KEY_PATH</c>, <c>TLS_CLIENT_CA_PATH</c>). Call <c>StartServer()</c>, then
    /// use <c>ClientOptions.BaseAddress</c>.
    /// </summary>
    public SecretsHostFactory OnKestrel(bool https = false)
    {
        if (https)
            UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps()));
        else
            UseKestrel(0);
        return this;
    }

    /// <summary>A host with no KVv2 provider at all (test profile, no provider URL), dev helpers on.</summary>
    public static IDictionary<string, string?> WithoutKv2Providers => new Dictionary<string, string?>
    {
        ["ENVIRONMENT"] = "test",
        ["ENABLE_DEV_ENDPOINTS"] = "true",
    };

    /// <summary>
    /// ENVIRONMENT=prod with the YAML provider forced on (ALLOW_UNSAFE_CONFIGURATION) and no caller authentication:
    /// the host starts, and the YAML store refuses writes and deletes (ENVIRONMENT_GUARD).
    /// </summary>
    public static IDictionary<string, string?> ProdWithYaml => new Dictionary<string, string?>
    {
        ["ENVIRONMENT"] = "prod",
        ["ALLOW_UNSAFE_CONFIGURATION"] = "true",
        ["SECRETS_API_REQUIRE_AUTH"] = "false",
        ["SECRETS_ENFORCE_SCOPES"] = "false",
        ["SECRETS_REQUIRE_SENDER_BINDING"] = "false",
        ["ENABLE_YAML_PROVIDER"] = "true",
    };

    public const string SampleYaml = """
        secret:
          env:
            MY_API_KEY: "dev-api-key"
            OTHER: "other-value"
          app:
            db:
              username: "app"
              password: "db-password"
        team:
          shared:
            token: "team-token"
        """;

    /// <summary>
    /// The policies every test host gets unless it brings its own: anonymous may do everything on the
    /// mounts tests use. Tests of authorization itself pass their own policies.
    /// </summary>
    public const string PermitAllPolicies = """
        version: 1
        rules:
          - id: tests-permit-all
            resources:
              - "yaml://secret/*"
              - "yaml://team/*"
              - "yaml://kv/*"
              - "openbao+kv2://secret/*"
              - "openbao+kv2://team/*"
              - "openbao+kv2://kv/*"
              - "hashicorp+kv2://secret/*"
              - "hashicorp+kv2://team/*"
              - "hashicorp+kv2://kv/*"
            purposes: ["*"]
        """;

    public string Directory { get; }
    public string YamlPath { get; }
    public string PolicyPath { get; }
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The host's ENVIRONMENT setting and ASP.NET Core's hosting environment share one
        // (case-insensitive) configuration key, "environment": name the hosting environment first
        // so that the ENVIRONMENT of this factory (dev unless overridden) is what the host reads.
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
