using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// One KVv2 provider's settings (docs/PROVIDERS.md#configuration), bound from its own prefix first (<c>OPENBAO_*</c> or
/// <c>HASHICORP_*</c>) and <c>VAULT_*</c> second, so OpenBao and HashiCorp can point at different servers.
/// </summary>
internal sealed record Kv2Options(
    string Scheme,
    Uri Address,
    string? Token,
    string? RoleId,
    string? SecretId,
    string AppRoleMount,
    string? Namespace,
    TimeSpan Timeout,
    bool VerifySsl,
    string? CaCertPath,
    int PoolSize,
    TimeSpan TokenRenewalThreshold,
    int MaxConcurrentOperations)
{
    /// <summary>"dev" as a URL means the embedded dev KVv2 server.</summary>
    public const string DevUrl = "dev";

    /// <summary>What <see cref="Address"/> says for a server inside this process (its real one is known once it runs).</summary>
    private static readonly Uri InProcessAddress = new("http://in-process/");

    public bool UsesAppRole => RoleId is not null && SecretId is not null;

    /// <summary>OpenBao can cut a LIST short (an ACL <c>pagination_limit</c>), so its listings are read page after page.</summary>
    public bool PagesListings => Scheme == "openbao+kv2";

    public override string ToString() => $"{Scheme} at {Address}";   // never the token or secret id

    /// <summary>The configured URL (provider prefix first, then VAULT_), or null when none is set.</summary>
    public static string? ConfiguredUrl(Func<string, string?> config, IReadOnlyList<string> prefixes) =>
        First(config, prefixes, "URL");

    /// <summary>The settings of a KVv2 server at <paramref name="address"/>; <paramref name="token"/> when the configuration names none.</summary>
    public static Kv2Options Bind(string scheme, Func<string, string?> config, IReadOnlyList<string> prefixes, Uri address, string? token = null)
    {
        var options = Create(scheme, config, prefixes, address, token);
        if (options.Token is null && !options.UsesAppRole)
            throw new InvalidOperationException($"{prefixes[0]}_TOKEN (or {prefixes[0]}_ROLE_ID and {prefixes[0]}_SECRET_ID) is required with {prefixes[0]}_URL");
        return options;
    }

    /// <summary>
    /// A server inside this process (<see cref="Contracts.IInProcessKv2Server"/>): the defaults and <c>VAULT_TIMEOUT</c>
    /// only; its address and token come from the server when the store is built.
    /// </summary>
    public static Kv2Options InProcess(string scheme, IReadOnlyList<string> prefixes, Func<string, string?> config) =>
        Create(scheme, _ => null, prefixes, InProcessAddress, null) with
        {
            Timeout = TimeSpan.FromSeconds(Settings.Int(config("VAULT_TIMEOUT"), "VAULT_TIMEOUT", 30, 1, 3600)),
        };

    private static Kv2Options Create(string scheme, Func<string, string?> config, IReadOnlyList<string> prefixes, Uri address, string? token)
    {
        var roleId = First(config, prefixes, "ROLE_ID");
        var secretId = First(config, prefixes, "SECRET_ID");
        return new Kv2Options(
            scheme,
            address,
            First(config, prefixes, "TOKEN") ?? token,
            roleId,
            secretId,
            First(config, prefixes, "APPROLE_MOUNT") ?? "approle",
            First(config, prefixes, "NAMESPACE"),
            TimeSpan.FromSeconds(Settings.Int(First(config, prefixes, "TIMEOUT"), "VAULT_TIMEOUT", 30, 1, 3600)),
            Settings.Bool(First(config, prefixes, "VERIFY_SSL"), "VAULT_VERIFY_SSL", true),
            First(config, prefixes, "CACERT"),
            Settings.Int(First(config, prefixes, "POOL_SIZE"), "VAULT_POOL_SIZE", 10, 1, 1000),
            TimeSpan.FromSeconds(Settings.Int(First(config, prefixes, "TOKEN_RENEWAL_THRESHOLD"), "VAULT_TOKEN_RENEWAL_THRESHOLD", 600, 0, 86_400 * 30)),
            Settings.Int(First(config, prefixes, "MAX_CONCURRENT_OPERATIONS"), "VAULT_MAX_CONCURRENT_OPERATIONS", 50, 1, 10_000));
    }

    private static string? First(Func<string, string?> config, IReadOnlyList<string> prefixes, string name) =>
        prefixes.Select(p => config($"{p}_{name}")).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
