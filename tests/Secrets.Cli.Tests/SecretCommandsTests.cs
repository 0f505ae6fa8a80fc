using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Cli.Tests;

/// <summary>The secret commands against a running host: output as table and as JSON, and an exit code per error class.</summary>
public sealed class SecretCommandsTests : IDisposable
{
    private const string App = "openbao+kv2://secret/cli/app";
    private readonly SecretsHostFactory host = new();

    public void Dispose() => host.Dispose();

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(host, args);

    [Fact]
    public async Task Put_then_get_prints_a_key_as_it_is_and_a_map_as_a_table()
    {
        var put = await Run("put", App, "user=app", "password=pw-1");
        var key = await Run("get", App + "#password");
        var map = await Run("get", App);

        (put.ExitCode, put.Error).ShouldBe((0, ""));
        put.Out.ShouldContain("version");
        put.Out.ShouldContain("│ 1 ");
        (key.ExitCode, key.Out).ShouldBe((0, "pw-1\n"));
        map.ExitCode.ShouldBe(0);
        map.Out.ShouldContain("│ user ");
        map.Out.ShouldContain("│ app ");
        map.Out.ShouldContain("│ password ");
    }

    [Fact]
    public async Task Json_output_is_the_services_answer()
    {
        await Run("put", App, "--json", """{"token":"t1"}""");

        var get = await Run("get", App, "-o", "json");
        var versions = await Run("versions", App, "--output", "json");

        var read = JsonNode.Parse(get.Out)!;
        (read["uri"]!.GetValue<string>(), read["version"]!.GetValue<int>(), read["value"]!["token"]!.GetValue<string>()).ShouldBe((App, 1, "t1"));
        JsonNode.Parse(versions.Out)!["versions"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_value_can_come_from_stdin()
    {
        var put = await CliRun.RunAsync(host, "from-stdin\n", "put", App + "#k", "-");

        put.ExitCode.ShouldBe(0);
        (await Run("get", App + "#k")).Out.ShouldBe("from-stdin\n");
    }

    [Fact]
    public async Task Rotate_with_generate_rollback_and_versions_tell_the_story_without_printing_a_value()
    {
        await Run("put", App, "token=first");

        var rotate = await Run("rotate", App + "#token", "--generate", "--length", "40", "--alphabet", "hex");
        var generated = (await Run("get", App + "#token")).Out.Trim();
        var rollback = await Run("rollback", App, "--to-version", "1");
        var versions = await Run("versions", App);

        rotate.ExitCode.ShouldBe(0);
        generated.ShouldMatch("^[0-9a-f]{40}$");
        rotate.Out.ShouldNotContain(generated);
        rollback.Out.ShouldContain("│ 3 ");
        (await Run("get", App + "#token")).Out.ShouldBe("first\n");
        versions.Out.ShouldContain("│ 1 ");
        versions.Out.ShouldContain("│ 3 ");
    }

    [Fact]
    public async Task Delete_undelete_destroy_and_metadata_change_and_show_the_stored_state()
    {
        await Run("put", App, "k=v1");
        await Run("put", App, "k=v2");

        (await Run("delete", App)).Out.ShouldBe($"deleted: {App}\n");
        (await Run("get", App)).ExitCode.ShouldBe(ExitCodes.NotFound);
        (await Run("undelete", App, "--versions", "2")).ExitCode.ShouldBe(0);
        (await Run("destroy-versions", App, "--versions", "1")).ExitCode.ShouldBe(0);
        (await Run("get", App + "#k", "--version", "1")).ExitCode.ShouldBe(ExitCodes.Conflict);   // 409 VERSION_DESTROYED
        var metadata = await Run("metadata", App);

        metadata.Out.ShouldContain("custom.created_by");
        metadata.Out.ShouldContain("│ current_version ");
        (await Run("delete", App, "--destroy")).ExitCode.ShouldBe(0);
        (await Run("versions", App)).ExitCode.ShouldBe(ExitCodes.NotFound);
    }

    [Fact]
    public async Task Keys_search_copy_and_move()
    {
        await Run("put", App, "k=v");

        var keys = await Run("keys", "openbao+kv2://secret/cli/*");
        var search = await Run("search", "app", "--prefix", "openbao+kv2://secret/*");
        var copy = await Run("copy", App, App + "-copy");
        var move = await Run("move", App + "-copy", App + "-moved");

        keys.Out.ShouldBe("app\n");
        search.Out.ShouldContain(App);
        (copy.ExitCode, move.ExitCode).ShouldBe((0, 0));
        (await Run("get", App + "-moved#k")).Out.ShouldBe("v\n");
        (await Run("copy", App, App + "-moved")).ExitCode.ShouldBe(ExitCodes.Conflict);   // DESTINATION_EXISTS
    }

    [Fact]
    public async Task Bulk_from_a_file_prints_one_row_per_operation_and_fails_when_one_did()
    {
        var file = Path.Combine(host.Directory, "ops.json");
        await File.WriteAllTextAsync(file, $$$"""
            [{"op":"set","uri":"{{{App}}}","value":{"a":"1"}},
             {"op":"rotate","uri":"{{{App}}}#a","generate":{"length":12}},
             {"op":"rollback","uri":"{{{App}}}","to_version":9}]
            """);

        var bulk = await Run("bulk", "-f", file, "--continue-on-error");

        bulk.ExitCode.ShouldBe(ExitCodes.Failed);
        bulk.Out.ShouldContain("SECRET_NOT_FOUND");
        bulk.Out.ShouldContain("2 succeeded, 1 failed");
    }

    [Theory]
    [InlineData(ExitCodes.NotFound, "SECRET_NOT_FOUND (404)", "get", "openbao+kv2://secret/cli/none")]
    [InlineData(ExitCodes.Usage, "ILLEGAL_SEGMENT (400)", "get", "yaml://secret/a//b")]
    [InlineData(ExitCodes.Usage, "Required argument missing", "get")]
    [InlineData(ExitCodes.Usage, "key=value", "put", "openbao+kv2://secret/cli/app", "novalue")]
    [InlineData(ExitCodes.Usage, "not a version number", "undelete", "openbao+kv2://secret/cli/app", "--versions", "x")]
    [InlineData(ExitCodes.ServiceError, "OPERATION_NOT_SUPPORTED (501)", "versions", "yaml://secret/env")]
    public async Task Each_error_class_has_its_exit_code_and_one_line_on_stderr(int exitCode, string message, params string[] args)
    {
        var run = await Run(args);

        run.ExitCode.ShouldBe(exitCode);
        run.Error.ShouldContain(message);
        run.Out.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_exit_code_9()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await Cli.RunAsync(["get", App, "--server", $"http://127.0.0.1:{LoopbackPorts.Unused()}"], CliIo.Over(output, error, TextReader.Null, false), _ => null);

        code.ShouldBe(ExitCodes.Unreachable);
        error.ToString().ShouldContain("cannot be reached");
    }

    [Fact]
    public async Task A_value_never_appears_in_an_error()
    {
        await Run("put", App, "token=canary-cli-9e2");

        var runs = new[]
        {
            await Run("put", App + "#token", "x", "--cas", "5"),
            await Run("rollback", App, "--to-version", "7"),
            await Run("copy", App, App),
            await Run("get", App + "#missing"),
        };

        runs.ShouldAllBe(r => r.ExitCode != 0);
        runs.ShouldAllBe(r => !r.Error.Contains("canary-cli-9e2") && !r.Out.Contains("canary-cli-9e2"));
    }

    [Fact]
    public async Task Audit_tail_prints_one_line_per_event_and_no_value()
    {
        var tail = CliRun.RunAsync(host, "", "audit", "tail", "--count", "2");

        // the stream shows what happens once it is open: write until the tail has seen two events
        for (var i = 0; i < 50 && !tail.IsCompleted; i++)
        {
            await Run("put", App, "token=canary-tail-4b1");
            await Run("rotate", App + "#token", "--generate");
            await Task.WhenAny(tail, Task.Delay(200));
        }

        var run = await tail.WaitAsync(TimeSpan.FromSeconds(20));
        run.ExitCode.ShouldBe(0);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        lines.ShouldAllBe(l => l.Contains("SECRET_WRITTEN success") || l.Contains("SECRET_ROTATED success"));
        lines.ShouldAllBe(l => l.Contains("subject=anonymous") && l.Contains("resource_ref="));
        run.Out.ShouldNotContain("canary-tail-4b1");
    }

    [Fact]
    public async Task Completion_prints_a_script_and_the_tool_suggests_commands_and_option_values()
    {
        var script = await Run("completion", "bash");
        var commands = await Suggest("[suggest:3]", "rot");
        var alphabets = await Suggest("[suggest:20]", "rotate x --alphabet ");

        script.Out.ShouldContain("complete -o default -F _secrets_complete secrets");
        commands.Split('\n').ShouldContain("rotate");
        alphabets.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["alnum", "base64url", "hex", "symbols"]);
    }

    /// <summary>The suggest directive must come first, before any option.</summary>
    private static async Task<string> Suggest(params string[] args)
    {
        var output = new StringWriter();
        await Cli.RunAsync(args, CliIo.Over(output, new StringWriter(), TextReader.Null, false), _ => null);
        return output.ToString();
    }
}
