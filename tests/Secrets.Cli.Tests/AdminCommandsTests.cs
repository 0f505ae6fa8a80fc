using System.Text.Json.Nodes;
using Secrets.Testing.Auth;

namespace Secrets.Cli.Tests;

/// <summary><c>destroy-versions</c> and <c>delete --destroy</c> with approvals required, <c>approve</c>, and <c>schedules</c>.</summary>
public sealed class AdminCommandsTests : IDisposable
{
    private const string App = "openbao+kv2://secret/cli-gated/app";

    private const string PermitAll = """
        version: 1
        rules:
          - id: permit-all
            resources: ["openbao+kv2://secret/*"]
            purposes: ["*"]
        """;

    private readonly AuthenticatedHost host = new(null, PermitAll, ("ENABLE_AUTHORIZATION", "true"), ("DESTROY_REQUIRES_APPROVAL", "true"));

    public void Dispose() => host.Dispose();

    /// <summary>A run as <paramref name="subject"/>, with a token of its own (a token is accepted once per secret and purpose).</summary>
    private Task<CliRun> As(string subject, params string[] args) =>
        CliRun.RunAsync(host, ["--token", host.Issuer.Token(b => b.Claims["sub"] = subject), .. args]);

    [Fact]
    public async Task A_destroy_waits_for_another_subjects_approve_and_the_requester_cannot_approve()
    {
        (await As("alice", "put", App, "k=v1")).ExitCode.ShouldBe(0);
        (await As("alice", "put", App, "k=v2")).ExitCode.ShouldBe(0);

        var request = await As("alice", "destroy-versions", App, "--versions", "1", "-o", "json");
        var pending = JsonNode.Parse(request.Out)!;
        var id = pending["approval_id"]!.GetValue<string>();
        var self = await As("alice", "approve", id);
        (await As("bob", "get", App + "#k", "--version", "1")).Out.ShouldBe("v1\n");   // nothing destroyed yet
        var approve = await As("bob", "approve", id);

        (request.ExitCode, pending["result"]!.GetValue<string>()).ShouldBe((0, "pending_approval"));
        self.ExitCode.ShouldBe(ExitCodes.Denied);
        self.Error.ShouldContain("APPROVAL_SELF_DENIED (403)");
        (approve.ExitCode, approve.Out).ShouldBe((0, $"approved and destroyed: {id}\n"));
        (await As("carol", "get", App + "#k", "--version", "1")).ExitCode.ShouldBe(ExitCodes.Conflict);   // 409 VERSION_DESTROYED
    }

    [Fact]
    public async Task Delete_destroy_says_it_waits_for_an_approval_in_a_table_too()
    {
        (await As("alice", "put", App, "k=v1")).ExitCode.ShouldBe(0);

        var run = await As("alice", "delete", App, "--destroy");

        run.ExitCode.ShouldBe(0);
        run.Out.ShouldStartWith("pending approval ");
        run.Out.ShouldContain("nothing is destroyed yet");
        (await As("bob", "get", App + "#k")).Out.ShouldBe("v1\n");
    }

    [Fact]
    public async Task Schedules_lists_none_without_a_schedule_file()
    {
        var run = await As("alice", "schedules", "-o", "json");

        run.ExitCode.ShouldBe(0);
        JsonNode.Parse(run.Out)!["schedules"]!.AsArray().ShouldBeEmpty();
    }
}
