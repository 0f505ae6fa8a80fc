using Secrets.Audit;
using Secrets.Cli;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// The host's commands, run instead of the web server when the first argument names one
/// (docs/AUDIT.md#verify-audit, docs/AUDIT.md#hash-uri): <c>verify-audit</c> checks an export of audit
/// events; <c>hash-uri &lt;uri&gt;</c> prints the <c>resource_ref</c> the service writes for a URI, from the
/// same settings (<c>TENANT_ID</c>, <c>TENANT_SALT</c>) read the same way; <c>backup</c> and <c>restore</c> are
/// the <c>secrets</c> tool's commands (docs/CLI.md), clients of a running service (docs/BACKUP.md#host-commands). Every other argument list starts the server, as before.
/// </summary>
internal static class HostCommands
{
    public const string HashUri = "hash-uri";

    public static bool IsCommand(string[] args) =>
        args is [var first, ..] && first is VerifyAudit or HashUri or Backup or Restore or "--help" or "-h" or "-?";

    /// <summary>What <c>--help</c> prints: the commands, and that every other argument list starts the server.</summary>
    public const string Usage = """
        usage: Secrets.Host [--KEY=value ...]            start the service (settings: environment variables or --KEY=value;
                                                          docs/CONFIGURATION.md)
               Secrets.Host verify-audit ...              verify exported or Kafka-held audit events (docs/AUDIT.md#verify-audit)
               Secrets.Host hash-uri <uri>                print the resource_ref the service writes for a URI
               Secrets.Host backup|restore ...            the secrets tool's backup and restore (docs/BACKUP.md)
               Secrets.Host --help                        this text
        A start the profile refuses (a missing or unsafe setting) prints the reason and exits with 78 (EX_CONFIG).
        """;

    private const string VerifyAudit = "verify-audit";
    private const string Backup = "backup";
    private const string Restore = "restore";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .Build();
        return await RunAsync(args, config, output, error, ct);
    }

    public static async Task<int> RunAsync(string[] args, IConfiguration config, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return args[0] switch
        {
            "--help" or "-h" or "-?" => await HelpAsync(output),
            VerifyAudit => await AuditModule.RunVerifyAuditAsync(args[1..], config, output, error, ct),
            Backup or Restore => await SecretsTool.RunAsync(args, output, error, name => config[name],
                interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, ct: ct),
            _ => await HashAsync(args[1..], config, output, error),
        };
    }

    private static async Task<int> HelpAsync(TextWriter output)
    {
        await output.WriteLineAsync(Usage);
        return 0;
    }

    /// <summary>
    /// The <c>resource_ref</c> of one canonical URI: HMAC-SHA256 with the tenant salt over the URI as the
    /// service writes it (docs/URIS.md#resource_ref). Refuses without a salt: a per-process salt would hash
    /// to nothing any record holds.
    /// </summary>
    private static async Task<int> HashAsync(string[] args, IConfiguration config, TextWriter output, TextWriter error)
    {
        if (args.Length != 1)
        {
            await error.WriteLineAsync("usage: hash-uri <canonical secret URI>");
            return 2;
        }
        TenantContext tenant;
        try
        {
            tenant = HostProfile.Resolve(config).Tenant;
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"hash-uri: {e.Message}");
            return 2;
        }
        if (tenant.SaltGenerated)
        {
            await error.WriteLineAsync("hash-uri: set TENANT_SALT (or SECRET_TENANT_SALT) to the service's: resource_ref is keyed by the tenant salt");
            return 2;
        }
        if (!CanonicalSecretUri.TryParse(args[0], null, UriAllowance.Prefix, out var uri, out var refused))
        {
            await error.WriteLineAsync($"hash-uri: {refused.Value}: {refused.Detail}");
            return 2;
        }
        await output.WriteLineAsync(tenant.ResourceRef(uri));
        return 0;
    }
}
