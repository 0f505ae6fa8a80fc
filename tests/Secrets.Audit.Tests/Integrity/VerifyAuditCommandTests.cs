using Secrets.Audit.Integrity;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>verify-audit as a command: files in, one line per problem out, and its exit code.</summary>
public sealed class VerifyAuditCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-verify", Guid.NewGuid().ToString("N"));
    private readonly AuditStream stream = new AuditStream().Events(12).Pending();
    private readonly string keys;

    public VerifyAuditCommandTests()
    {
        Directory.CreateDirectory(dir);
        keys = Path.Combine(dir, "keys.json");
        File.WriteAllText(keys, $$"""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"{{stream.Key.X}}","kid":"whatever","use":"sig"}]}""");
    }

    public void Dispose()
    {
        stream.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private string Export(IEnumerable<string> lines)
    {
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".ndjson");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VerifyAuditCommand.RunAsync(args, _ => null, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task An_untouched_export_exits_0_and_says_what_it_verified()
    {
        var file = Export(stream.Lines);

        var (code, output, _) = await RunAsync(file, "--keys", keys, "--every", "5");

        code.ShouldBe(0);
        output.Trim().ShouldBe($"{file}: ok: 15 events, 3 checkpoints, 1 nodes");
    }

    [Fact]
    public async Task A_tampered_export_exits_1_with_one_line_per_problem()
    {
        var lines = stream.Lines.ToList();
        lines.RemoveAt(7);   // seq 8
        var file = Export(lines);

        var (code, output, _) = await RunAsync(file, "--keys", keys);

        code.ShouldBe(1);
        output.Trim().ShouldBe($"{file}: gap node=node-a.0001 line=8 seq=8: seq 8 is missing before seq 9: 1 event deleted");
    }

    [Fact]
    public async Task Keys_that_do_not_include_the_signer_make_every_checkpoint_forged()
    {
        var other = Path.Combine(dir, "other.json");
        File.WriteAllText(other, """{"keys":[]}""");

        var (code, output, _) = await RunAsync(Export(stream.Lines), "--keys", other);

        code.ShouldBe(1);
        output.ShouldContain("forged-checkpoint node=node-a.0001 line=6 seq=6: signed by an unknown key");
    }

    [Theory]
    [InlineData]
    [InlineData("export.ndjson")]
    [InlineData("export.ndjson", "--keys")]
    [InlineData("export.ndjson", "--keys", "k.json", "--bogus")]
    [InlineData("export.ndjson", "--keys", "k.json", "--every", "0")]
    [InlineData("--topic", "audit", "--keys", "k.json")]
    [InlineData("--keys", "k.json", "--kafka")]
    [InlineData("--kafka", "b1:9092")]
    public async Task Bad_arguments_exit_2_with_the_usage(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        code.ShouldBe(2);
        output.ShouldBeEmpty();
        error.ShouldContain("usage: verify-audit");
    }

    [Fact]
    public async Task A_missing_export_exits_2()
    {
        var (code, _, error) = await RunAsync(Path.Combine(dir, "nope.ndjson"), "--keys", keys);

        code.ShouldBe(2);
        error.ShouldContain("cannot read");
    }
}
