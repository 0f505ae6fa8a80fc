using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Secrets.Cli.Commands;
using Secrets.Client;
using Secrets.Client.Authentication;
using Secrets.Client.Dpop;
using Spectre.Console;

namespace Secrets.Cli;

/// <summary>What a command runs with: the client built from the global options and environment, and where it writes.</summary>
internal sealed class CliContext : IDisposable
{
    private readonly HttpClient http;
    private readonly DpopKey? dpop;

    private CliContext(ParseResult parse, CliIo io, Func<string, string?> environment, HttpMessageHandler? handler)
    {
        Io = io;
        Format = parse.GetValue(CliOptions.Output);
        var server = parse.GetValue(CliOptions.Server) ?? environment("SECRETS_ADDR") ?? "http://127.0.0.1:9100";
        var token = parse.GetValue(CliOptions.Token) ?? environment("SECRETS_TOKEN");
        var keyFile = parse.GetValue(CliOptions.DpopKey)?.FullName ?? environment("SECRETS_DPOP_KEY");
        var certFile = parse.GetValue(CliOptions.ClientCert)?.FullName ?? environment("SECRETS_CLIENT_CERT");
        var certKeyFile = parse.GetValue(CliOptions.ClientKey)?.FullName ?? environment("SECRETS_CLIENT_KEY");
        var caFile = parse.GetValue(CliOptions.CaCert)?.FullName ?? environment("SECRETS_CACERT");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            throw new CliUsageException("--server (or SECRETS_ADDR) must be an http or https URL");
        if (keyFile is not null)
        {
            dpop = Load("--dpop-key", keyFile, path =>
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(File.ReadAllText(path));
                return DpopKey.FromEcdsa(ec);
            });
        }
        http = SecretsClientServiceCollectionExtensions.CreateHttpClient(new SecretsClientOptions
        {
            BaseAddress = baseAddress,
            TokenSource = new StaticTokenSource(token),
            DpopKey = dpop,
            ClientCertificate = certFile is null ? null : Load("--client-cert", certFile, path => X509Certificate2.CreateFromPemFile(path, certKeyFile)),
            ServerCertificateAuthority = caFile is null ? null : Load("--ca-cert", caFile, path => X509Certificate2.CreateFromPem(File.ReadAllText(path))),
            Timeout = TimeSpan.FromMinutes(10),   // a backup or restore of a large prefix
        }, handler);
        Client = new SecretsClient(http);
    }

    public SecretsClient Client { get; }

    /// <summary>A key or certificate file, or a usage error that names the option and the file (never what it holds).</summary>
    private static T Load<T>(string option, string path, Func<string, T> load)
    {
        try
        {
            return load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliUsageException($"{option} {path}: not a readable PEM file of the expected kind ({e.GetType().Name})");
        }
    }

    public HttpClient Http => http;

    public CliIo Io { get; }

    public OutputFormat Format { get; }

    public static CliContext From(ParseResult parse, CliIo io, Func<string, string?> environment, HttpMessageHandler? handler) =>
        new(parse, io, environment, handler);

    public void Dispose()
    {
        http.Dispose();
        dpop?.Dispose();
    }
}

/// <summary>
/// Where a command writes: its answer to <see cref="Out"/> (a Spectre console over <see cref="Plain"/>, without colours or
/// progress when piped), help and scripts straight to <see cref="Plain"/>, problems to <see cref="Error"/>.
/// </summary>
internal sealed record CliIo(IAnsiConsole Out, TextWriter Plain, TextWriter Error, TextReader In, bool Interactive)
{
    private const int PipedWidth = 4096;

    /// <summary>A console over <paramref name="plain"/>: colours, tables with borders and progress on a terminal, plain text otherwise.</summary>
    public static CliIo Over(TextWriter plain, TextWriter error, TextReader input, bool interactive, int? width = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(plain),
        });
        // piped: no wrapping at a guessed 80 columns, a line is a line for the script that reads it
        if ((width ?? (interactive ? null : PipedWidth)) is { } w)
            console.Profile.Width = w;
        return new CliIo(console, plain, error, input, interactive);
    }
}
