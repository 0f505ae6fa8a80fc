using Microsoft.Extensions.Logging;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>Building policy requests, reading verdicts, temporary policy files and bounded waits.</summary>
internal static class PolicyTestKit
{
    public static PolicySet Parse(string yaml, string source = "test-policies.yaml") => PolicyParser.Parse(yaml, source);

    public static PolicyRequest Request(
        string purpose, string uri, string subject = Caller.AnonymousSubject, string? client = null, string? tenant = "t1",
        string? owner = null, string? createdBy = null) =>
        new(new PolicySubject(client is not null && client == subject ? "client" : "user", subject, tenant, client, null, null),
            new PolicyResource(CanonicalSecretUri.Parse(uri, null, UriAllowance.Prefix), tenant, new ResourceAttributes(owner, createdBy, null)),
            purpose,
            PolicyContext.Empty);

    /// <summary>"permit rule-x ttl=60 uses=5 binding=dpop", "deny rule-y" or "deny -" (no matching rule).</summary>
    public static string Render(AccessVerdict verdict)
    {
        var rule = verdict.Reason switch
        {
            PolicySet.NoMatchingRule => "-",
            { } r when r.StartsWith("permitted by rule ", StringComparison.Ordinal) => r["permitted by rule ".Length..],
            { } r when r.StartsWith("denied by rule ", StringComparison.Ordinal) => r["denied by rule ".Length..],
            var r => $"?{r}",
        };
        var text = (verdict.Decision ? "permit " : "deny ") + rule;
        if (verdict.TtlSeconds is { } ttl)
            text += $" ttl={ttl}";
        if (verdict.MaxUses is { } uses)
            text += $" uses={uses}";
        if (verdict.RequireBinding is { } binding)
            text += $" binding={binding}";
        return text;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> (default 15 s) passes.</summary>
    public static Task<bool> Eventually(Func<bool> condition, TimeSpan? timeout = null) =>
        Eventually(() => Task.FromResult(condition()), timeout);

    /// <inheritdoc cref="Eventually(Func{bool}, TimeSpan?)"/>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                return await condition();
            await Task.Delay(25);
        }
        return true;
    }
}
