using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        if (keyFile is not null)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(File.ReadAllText(keyFile));
            dpop = DpopKey.FromEcdsa(ec);
        }
        http = SecretsClientServiceCollectionExtensions.CreateHttpClient(new SecretsClientOptions
        {
            BaseAddress = new Uri(server, UriKind.Absolute),
            TokenSource = new StaticTokenSource(token),
            DpopKey = dpop,
            ClientCertificate = certFile is null ? null : X509Certificate2.CreateFromPemFile(certFile, certKeyFile),
            Timeout = TimeSpan.FromMinutes(10),   // a backup or restore of a large prefix
        }, handler);
        Client = new SecretsClient(http);
    }

    public SecretsClient Client { get; }

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
