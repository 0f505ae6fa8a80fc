using System.CommandLine;

namespace Secrets.Cli;

/// <summary>The options every command takes (recursive), each with its environment variable.</summary>
internal static class CliOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "The service's address (env SECRETS_ADDR; default http://127.0.0.1:9100)",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "Access token (env SECRETS_TOKEN); sent as Bearer, or as DPoP with --dpop-key",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> DpopKey = new("--dpop-key")
    {
        Description = "PEM file of a P-256 private key (ES256) whose proofs bind the token (env SECRETS_DPOP_KEY)",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> ClientCert = new("--client-cert")
    {
        Description = "PEM client certificate for mTLS (env SECRETS_CLIENT_CERT); its key with --client-key",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> ClientKey = new("--client-key")
    {
        Description = "PEM private key of --client-cert (env SECRETS_CLIENT_KEY)",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> CaCert = new("--ca-cert")
    {
        Description = "PEM file of the CA the service's certificate must chain to, instead of the system's (env SECRETS_CACERT)",
        Recursive = true,
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table (default) or json",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static IEnumerable<Option> All => [Server, Token, DpopKey, ClientCert, ClientKey, CaCert, Output];
}

internal enum OutputFormat
{
    Table,
    Json,
}
