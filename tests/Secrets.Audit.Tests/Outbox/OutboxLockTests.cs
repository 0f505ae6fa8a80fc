using System.Diagnostics;
using Secrets.Audit.Outbox;

namespace Secrets.Audit.Tests.Outbox;

/// <summary>
/// One outbox directory, one open outbox: a second opener (another node, or a restarted one while the old one still
/// writes) is refused with <see cref="AuditOutboxFailure.InUse"/> and touches nothing; once the first is closed the
/// directory opens again with every record in place; a node restarted while its predecessor still closes waits for it.
/// </summary>
public sealed class OutboxLockTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempOutbox dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task A_second_opener_of_a_directory_in_use_is_refused_and_changes_nothing()
    {
        await using var first = dir.Open();
        for (var i = 0; i < 5; i++)
            await first.AppendAsync(TempOutbox.Payload(i), Ct);
        var before = dir.Segments().Select(File.ReadAllBytes).ToList();

        var refused = Should.Throw<AuditOutboxException>(() => OutboxLock.Acquire(dir.OutboxPath, TimeSpan.FromMilliseconds(200)));
        var again = Stopwatch.StartNew();
        var second = Should.Throw<AuditOutboxException>(() => dir.Open());
        again.Stop();

        refused.Failure.ShouldBe(AuditOutboxFailure.InUse);
        refused.Message.ShouldContain("is in use by another process");
        second.Failure.ShouldBe(AuditOutboxFailure.InUse);
        again.Elapsed.ShouldBeLessThan(OutboxLock.DefaultWait / 2);   // refused once, later attempts do not wait again (every use asks)
        dir.Segments().Select(File.ReadAllBytes).ToList().ShouldBe(before);
        (await first.AppendAsync(TempOutbox.Payload(5), Ct)).ShouldBe(5);
    }

    [Fact]
    public async Task The_directory_is_free_once_the_outbox_is_closed_and_reopens_with_its_records()
    {
        var first = dir.Open();
        for (var i = 0; i < 3; i++)
            await first.AppendAsync(TempOutbox.Payload(i), Ct);
        await first.DisposeAsync();

        await using var reopened = dir.Open();

        reopened.NextOffset.ShouldBe(3);
        (await reopened.ReadAsync(0, 10, Ct)).Select(r => r.Payload.ToArray()).ShouldBe(Enumerable.Range(0, 3).Select(i => TempOutbox.Payload(i)));
    }

    [Fact]
    public async Task An_opener_waits_for_a_closing_predecessor_instead_of_failing()
    {
        var first = dir.Open();
        await first.AppendAsync(TempOutbox.Payload(0), Ct);
        var started = Stopwatch.StartNew();
        var closing = Task.Run(async () =>
        {
            await Task.Delay(500);
            await first.DisposeAsync();
        });

        await using var next = await Task.Run(() => dir.Open());

        started.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(400));
        next.NextOffset.ShouldBe(1);
        await closing;
    }
}
